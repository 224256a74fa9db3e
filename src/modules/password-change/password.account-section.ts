// The account page's password section: change it (current password + new one twice) or, for a
// user who has none, set one. A sensitive change: a recent sign-in first (kit.recent). Other
// sessions end afterwards (password-change.service.ts says why).
import type { Request, Response } from 'express';
import { consume } from '../../http/rate-limit.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { accountOf, type AccountSection } from '../account/account-section.js';
import type { AccountDeps } from '../account/account.routes.js';
import { field } from '../account-mail/page-kit.js';
import { actorFromRequest } from '../audit/actor.js';
import { createBrowserSessions } from '../sessions/browser-sessions.js';
import { createPasswordChangeService, type WrongPasswordLimit } from './password-change.service.js';

const WRONG_PER_HOUR = 5;

export function passwordSection(deps: AccountDeps): AccountSection {
  const { views, services, stores, protector } = deps;
  const limiter = stores.rateLimiter({ keyPrefix: 'account-password', points: WRONG_PER_HOUR, durationSeconds: 3600 });
  const limit: WrongPasswordLimit = {
    hit: async (key) => (await consume(limiter, key)).ok,
    isOver: async (key) => ((await limiter.get(key))?.consumedPoints ?? 0) >= WRONG_PER_HOUR,
  };
  const serviceOf = (res: Response) => createPasswordChangeService({ scope: realmOf(res).scope, passwords: deps.passwords, mailOutbox: services.mailOutbox, userTokens: services.userTokens, limit });

  const render = async (_req: Request, res: Response, extra: { error?: string; problems?: string[] } = {}) =>
    views.render('account/password', { ...accountOf(res), hasPassword: await serviceOf(res).hasPassword(accountOf(res).userId), ...extra });

  return {
    id: 'password',
    title: 'Password',
    render: (req, res) => render(req, res),
    routes(router, kit) {
      router.post('/', kit.form, kit.csrf, kit.recent, async (req, res) => {
        const user = res.locals.accountUser as { id: string; email: string; name: string | null };
        const fail = async (status: number, error: string, problems?: string[]) => kit.page(req, res, 'account/section-page', { title: 'Password', html: await render(req, res, { error, problems }) }, status);
        const next = field(req.body, 'new_password');
        if (next !== field(req.body, 'confirm_password')) return fail(400, 'The two new passwords are not the same.');
        const result = await serviceOf(res).change(user, field(req.body, 'current_password'), next, actorFromRequest(req, `user:${user.id}`));
        if (!result.ok) {
          if (result.reason === 'weak') return fail(400, 'Choose another new password.', result.problems.map((p) => p.message));
          if (result.reason === 'limited') return fail(429, 'Too many wrong passwords. Try again in an hour.');
          return fail(400, 'Your current password is not right.');
        }
        const { scope } = realmOf(res);
        await createBrowserSessions(stores.artifacts, scope.realm.id, protector).endOthers(user.id, accountOf(res).sessionUid);
        kit.done(req, res, 'Your password was changed. Your other sessions were signed out.');
      });
    },
  };
}
