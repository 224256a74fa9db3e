// The account page's authenticator app (TOTP) section: turn it on (the QR code and key as on the
// sign-in's enroll page, confirmed by one code; then 10 recovery codes, shown once) or remove it
// (its recovery codes go with it unless a passkey remains: mfa.service removeTotp). Both are sensitive: a recent sign-in
// first (kit.recent); the enroll page itself is behind it too, so the secret is never shown to
// a page left open.
import type { Request, Response } from 'express';
import { realmOf } from '../../realms/realm-resolver.js';
import { accountOf, type AccountSection } from '../account/account-section.js';
import type { AccountDeps } from '../account/account.routes.js';
import { field } from '../account-mail/page-kit.js';
import { actorFromRequest } from '../audit/actor.js';
import { createMfaService } from '../mfa/mfa.service.js';

export function totpSection(deps: AccountDeps): AccountSection {
  const { views, services } = deps;
  const { totp, recoveryCodes } = services.mfaMethods;
  const userOf = (res: Response) => res.locals.accountUser as { id: string; email: string };

  return {
    id: 'totp',
    title: 'Authenticator app',
    async render(_req, res) {
      const ctx = accountOf(res);
      return views.render('account/totp', { ...ctx, enrolled: await totp.isEnrolled(realmOf(res).scope, ctx.userId) });
    },
    routes(router, kit) {
      const showEnroll = async (req: Request, res: Response, error?: string, status = 200) => {
        const pending = await totp.begin(realmOf(res).scope, userOf(res));
        if (!pending) return kit.done(req, res, 'Your authenticator app is already set up.');
        kit.page(req, res, 'account/totp-enroll', { title: 'Set up an authenticator app', qrDataUrl: pending.qrDataUrl, secret: pending.secret, error, csrfToken: accountOf(res).csrfToken }, status);
      };
      router.get('/enroll', kit.recent, (req, res) => showEnroll(req, res));
      router.post('/enroll', kit.form, kit.csrf, kit.recent, async (req, res) => {
        const { scope } = realmOf(res);
        const user = userOf(res);
        if (!(await totp.check(scope, user.id, field(req.body, 'code'), 'confirm'))) {
          return showEnroll(req, res, 'That code is not right. Check the time on your device and try the newest code.', 400);
        }
        const codes = await recoveryCodes.generate(scope, user.id);
        await scope.audit.append({ ...actorFromRequest(req, `user:${user.id}`), action: 'mfa.enrolled', target: `user:${user.id}`, data: { method: 'totp' } });
        kit.page(req, res, 'account/recovery-codes-shown', { title: 'Save your recovery codes', codes, intro: 'Your authenticator app is set up.' });
      });
      router.post('/remove', kit.form, kit.csrf, kit.recent, async (req, res) => {
        const { scope } = realmOf(res);
        const user = userOf(res);
        const { removed, codesKept } = await createMfaService(scope).removeTotp(user.id, actorFromRequest(req, `user:${user.id}`));
        if (!removed) return kit.done(req, res, 'No authenticator app was set up.');
        kit.done(req, res, codesKept ? 'Your authenticator app was removed. Your recovery codes still back up your passkeys.' : 'Your authenticator app was removed, and your recovery codes with it.');
      });
    },
  };
}
