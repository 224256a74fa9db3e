// The account page's passkey section (the contract: src/modules/account/account-section.ts):
// the user's passkeys with name, created and last used; "Add a passkey" (script: register);
// rename; remove (a sensitive change: kit.recent asks for a fresh sign-in first). Challenges
// are bound to the account session (user and its auth time), like a sign-in's to its
// interaction. Every lookup is by the signed-in user within the page's realm.
import type { Request, Response, Router } from 'express';
import type { Views } from '../../http/views.js';
import { realmOf } from '../../realms/realm-resolver.js';
import type { Services } from '../../services.js';
import { accountOf, type AccountContext, type AccountRouteKit, type AccountSection } from '../account/account-section.js';
import { actorFromRequest } from '../audit/actor.js';
import { field } from '../account-mail/page-kit.js';
import { isPasskeyId } from '../mfa/mfa.service.js';
import { answer, credentialOf, PASSKEY_SCRIPTS, refuse } from './passkey-http.js';
import { passkeyName } from './passkeys.schemas.js';
import { MAX_PASSKEYS } from './passkeys.service.js';

export const PASSKEYS_SECTION_ID = 'passkeys';
const holderOf = (ctx: AccountContext) => `account:${ctx.userId}:${ctx.authTime}`;
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

export function createPasskeysAccountSection(deps: { views: Views; services: Pick<Services, 'passkeys'> }): AccountSection {
  const { views, services } = deps;
  const sectionBase = (ctx: AccountContext) => `${ctx.base}/${PASSKEYS_SECTION_ID}`;

  async function userOf(res: Response) {
    const user = await realmOf(res).scope.users.findById(accountOf(res).userId);
    if (!user) throw new Error('account page without its user');
    return user;
  }

  /** A refused form (rename, remove): a page inside the account layout with the reason. */
  const formRefused = (kit: AccountRouteKit, req: Request, res: Response, status: number, message: string) =>
    kit.page(req, res, 'passkey-account-message', { title: 'Passkey not changed', message, back: `${accountOf(res).base}#${PASSKEYS_SECTION_ID}` }, status);
  const NOT_FOUND = 'There is no such passkey.';

  return {
    id: PASSKEYS_SECTION_ID,
    title: 'Passkeys',
    scripts: [PASSKEY_SCRIPTS.register],

    async render(_req, res, ctx) {
      const list = await realmOf(res).scope.passkeys.listByUser(ctx.userId);
      return views.render('passkey-account-section', {
        base: sectionBase(ctx),
        csrfToken: ctx.csrfToken,
        passkeys: list.map((p) => ({ id: p.id, name: p.name, created: day(p.createdAt), lastUsed: day(p.lastUsedAt), synced: p.deviceType === 'multiDevice' })),
        full: list.length >= MAX_PASSKEYS,
        max: MAX_PASSKEYS,
        // Adding a factor is a sensitive change, like removing one: a recent sign-in first.
        recent: ctx.recent,
      });
    },

    routes(router: Router, kit: AccountRouteKit) {
      // "Sign in again to add a passkey": the step-up, then back to this section.
      router.get('/add', kit.recent, (_req, res) => res.redirect(303, `${accountOf(res).base}#${PASSKEYS_SECTION_ID}`));
      router.post('/options', kit.json, kit.csrf, async (req, res) => {
        if (!accountOf(res).recent) {
          res.status(403).type('application/problem+json').json({ title: 'Sign in again to add a passkey.', status: 403, code: 'reauthentication_required' });
          return;
        }
        const result = await services.passkeys.registrationOptions(realmOf(res).scope, await userOf(res), holderOf(accountOf(res)));
        if (!result.ok) return refuse(req, res, result);
        answer(res, result.options);
      });
      router.post('/register', kit.json, kit.csrf, async (req, res) => {
        const ctx = accountOf(res);
        const parsedName = passkeyName.safeParse(field(req.body, 'name'));
        const result = await services.passkeys.verifyRegistration(realmOf(res).scope, ctx.userId, holderOf(ctx), credentialOf(req), parsedName.success ? parsedName.data : '', actorFromRequest(req, `user:${ctx.userId}`));
        if (!result.ok) return refuse(req, res, result);
        answer(res, { redirect: `${ctx.base}#${PASSKEYS_SECTION_ID}` });
      });
      router.post('/:id/rename', kit.form, kit.csrf, async (req, res) => {
        const id = String(req.params.id);
        const ctx = accountOf(res);
        const name = passkeyName.safeParse(field(req.body, 'name'));
        if (!name.success) return formRefused(kit, req, res, 400, 'Give the passkey a name of 1 to 60 characters.');
        const { scope } = realmOf(res);
        if (!isPasskeyId(id) || !(await scope.passkeys.rename(ctx.userId, id, name.data))) return formRefused(kit, req, res, 404, NOT_FOUND);
        await scope.audit.append({ ...actorFromRequest(req, `user:${ctx.userId}`), action: 'passkey.renamed', target: `user:${ctx.userId}`, data: { passkeyId: id } });
        kit.done(req, res, 'Passkey renamed.');
      });
      router.post('/:id/remove', kit.form, kit.csrf, kit.recent, async (req, res) => {
        const id = String(req.params.id);
        const ctx = accountOf(res);
        const { scope } = realmOf(res);
        if (!isPasskeyId(id)) return formRefused(kit, req, res, 404, NOT_FOUND);
        const removed = await scope.inTransaction(async (tx) => {
          if (!(await tx.passkeys.remove(ctx.userId, id))) return false;
          await tx.audit.append({ ...actorFromRequest(req, `user:${ctx.userId}`), action: 'passkey.removed', target: `user:${ctx.userId}`, data: { passkeyId: id } });
          return true;
        });
        if (!removed) return formRefused(kit, req, res, 404, NOT_FOUND);
        kit.done(req, res, 'Passkey removed.');
      });
    },
  };
}
