// The account page's active sessions: each browser signed in to the realm (browser, address,
// last seen; "this browser" marked), end one, or sign out everywhere (account-sessions.ts
// revokeAll: every session, grant and token, this browser included). Ending sessions only takes
// access away, so it needs no fresh sign-in; CSRF still applies (a forged post could sign a user out).
import { realmOf } from '../../realms/realm-resolver.js';
import { accountOf, type AccountSection } from '../account/account-section.js';
import type { AccountDeps } from '../account/account.routes.js';
import { field } from '../account-mail/page-kit.js';
import { actorFromRequest } from '../audit/actor.js';
import { createAccountSessions } from './account-sessions.js';
import { createBrowserSessions } from './browser-sessions.js';

const when = (seconds: number | null) => (seconds ? new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'unknown');

export function sessionsSection(deps: AccountDeps): AccountSection {
  const { views, stores, protector } = deps;
  const browserSessions = (realmId: string) => createBrowserSessions(stores.artifacts, realmId, protector);

  return {
    id: 'sessions',
    title: 'Active sessions',
    async render(_req, res) {
      const ctx = accountOf(res);
      const list = await browserSessions(realmOf(res).scope.realm.id).list(ctx.userId);
      const sessions = list.map((s) => ({ ...s, current: s.uid === ctx.sessionUid, lastSeen: when(s.lastSeenAt), signedIn: when(s.signedInAt) }));
      return views.render('account/sessions', { ...ctx, sessions });
    },
    routes(router, kit) {
      router.post('/end', kit.form, kit.csrf, async (req, res) => {
        const ctx = accountOf(res);
        const { scope } = realmOf(res);
        const ended = await browserSessions(scope.realm.id).end(ctx.userId, field(req.body, 'session'));
        if (!ended) return kit.done(req, res, 'That session had already ended.');
        await scope.audit.append({ ...actorFromRequest(req, `user:${ctx.userId}`), action: 'user.session_ended', target: `user:${ctx.userId}` });
        kit.done(req, res, 'The session was ended. That browser is signed out.');
      });
      router.post('/end-all', kit.form, kit.csrf, async (req, res) => {
        const ctx = accountOf(res);
        const { scope } = realmOf(res);
        await createAccountSessions(stores.artifacts, scope.realm.id, protector).revokeAll(ctx.userId);
        await scope.audit.append({ ...actorFromRequest(req, `user:${ctx.userId}`), action: 'user.sessions_revoked', target: `user:${ctx.userId}` });
        res.clearCookie('gh_gatehouse_account', { path: ctx.base });
        kit.page(req, res, 'account/signed-out-everywhere', { title: 'Signed out everywhere', again: ctx.base });
      });
    },
  };
}
