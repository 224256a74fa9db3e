// The account page's connected apps: the apps the user consented to (remembered consents), with
// the scopes granted and when. Revoking forgets the consent (the app asks again next time) and
// revokes every grant the user gave that app, with its refresh and access tokens
// (browser-sessions revokeAppGrants), in this realm only: an app id of another realm is not
// among this user's consents and finds nothing. Taking access away needs no fresh sign-in.
import { realmOf } from '../../realms/realm-resolver.js';
import { accountOf, type AccountSection } from '../account/account-section.js';
import type { AccountDeps } from '../account/account.routes.js';
import { field } from '../account-mail/page-kit.js';
import { actorFromRequest } from '../audit/actor.js';
import { createBrowserSessions } from '../sessions/browser-sessions.js';

export function connectedAppsSection(deps: AccountDeps): AccountSection {
  const { views, stores, protector } = deps;
  return {
    id: 'apps',
    title: 'Connected apps',
    async render(_req, res) {
      const ctx = accountOf(res);
      const consents = await realmOf(res).scope.consents.listForUser(ctx.userId);
      const apps = consents.map((c) => ({ id: c.appId, name: c.app.name, scopes: c.scopes, since: c.createdAt.toISOString().slice(0, 10) }));
      return views.render('account/apps', { ...ctx, apps });
    },
    routes(router, kit) {
      router.post('/revoke', kit.form, kit.csrf, async (req, res) => {
        const ctx = accountOf(res);
        const { scope } = realmOf(res);
        const appId = field(req.body, 'app');
        const consent = (await scope.consents.listForUser(ctx.userId)).find((c) => c.appId === appId);
        if (!consent) return kit.done(req, res, 'That app was not connected.');
        await scope.inTransaction(async (tx) => {
          await tx.consents.remove(ctx.userId, consent.appId);
          await tx.audit.append({ ...actorFromRequest(req, `user:${ctx.userId}`), action: 'consent.revoked', target: `app:${consent.app.clientId}` });
        });
        await createBrowserSessions(stores.artifacts, scope.realm.id, protector).revokeAppGrants(ctx.userId, consent.app.clientId);
        kit.done(req, res, `${consent.app.name} is no longer connected to your account.`);
      });
    },
  };
}
