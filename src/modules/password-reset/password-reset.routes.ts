// Forgot / reset password pages. Inside a sign-in: /interaction/:uid/forgot-password asks for the
// address and always answers "check your mail" (no user enumeration). From the mail:
// /realms/:realm/password/reset?token= (and /password/set?token= for set_password links) shows
// the new-password form; its POST sets the password (password-reset.service.ts).
import { Router, type Request, type Response } from 'express';
import type { WithDetails } from '../../oidc/interactions/interaction.routes.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { isEmailAddress } from '../users/email-address.js';
import { anonymous, emailFormPage, field, form, interactionUrl, limitedPage, linkInvalid, message, realmServices, realmUrl, tokenOf, type AccountPagesDeps } from '../account-mail/page-kit.js';
import type { PasswordTokenKind } from './password-reset.service.js';

export function mountForgotPassword(router: Router, withDetails: WithDetails, deps: AccountPagesDeps) {
  const { views, csrf, services } = deps;
  const show = emailFormPage(deps, {
    page: 'forgot-password',
    title: 'Reset your password',
    intro: 'Enter the email address of your account. We will mail you a link to choose a new password.',
    button: 'Send reset link',
  });

  router.get('/:uid/forgot-password', withDetails(async (req, res, details) => show(req, res, details.uid), 'login'));
  router.post('/:uid/forgot-password', form, csrf.protect, withDetails(async (req, res, details) => {
    const email = field(req.body, 'email').trim().toLowerCase();
    if (!isEmailAddress(email)) return show(req, res, details.uid, field(req.body, 'email'), 'Enter a valid email address.', 400);
    try {
      await realmServices(services, res).passwordReset.request(email, anonymous(req));
    } catch (err) {
      if (limitedPage(views, res, err, interactionUrl(req, details.uid))) return;
      throw err;
    }
    message(views, res, 'Check your mail', [`If ${email} has an account here, we sent it a link to reset the password. The link works once, for 30 minutes.`], { href: interactionUrl(req, details.uid), text: 'Back to sign in' });
  }, 'login'));
}

const PAGES: Record<PasswordTokenKind, { path: string; title: string; button: string; done: string }> = {
  password_reset: { path: 'password/reset', title: 'Choose a new password', button: 'Change password', done: 'Your password was changed. You were signed out everywhere: sign in with the new password.' },
  set_password: { path: 'password/set', title: 'Set your password', button: 'Set password', done: 'Your password is set. You can now sign in with it.' },
};

/** /realms/:realm/password/reset and /password/set. */
export function passwordLandingRoutes(deps: AccountPagesDeps): Router {
  const { views, accountCsrf, services } = deps;
  const router = Router({ mergeParams: true });

  for (const [kind, page] of Object.entries(PAGES) as [PasswordTokenKind, (typeof PAGES)[PasswordTokenKind]][]) {
    const show = (req: Request, res: Response, token: string, email: string, errors: { password?: string[]; confirm?: string } = {}, status = 200) =>
      views.send(res, 'password-new', {
        title: page.title,
        buttonLabel: page.button,
        action: realmUrl(req, page.path),
        csrfToken: accountCsrf.token(req, res),
        token,
        email,
        minLength: realmOf(res).scope.settings.passwordPolicy.minLength,
        errors,
      }, status);

    router.get(`/${page.path}`, async (req, res) => {
      const token = tokenOf(req);
      const user = await realmServices(services, res).passwordReset.peek(token, kind);
      if (!user) return linkInvalid(views, res, 'Ask for a new link from the sign-in page ("Forgot password?").');
      show(req, res, token, user.email);
    });
    router.post(`/${page.path}`, form, accountCsrf.protect, async (req, res) => {
      const token = tokenOf(req);
      const password = field(req.body, 'password');
      const account = realmServices(services, res);
      const user = await account.passwordReset.peek(token, kind);
      if (!user) return linkInvalid(views, res, 'Ask for a new link from the sign-in page ("Forgot password?").');
      if (!password) return show(req, res, token, user.email, { password: ['Enter a new password.'] }, 400);
      if (password !== field(req.body, 'confirm')) return show(req, res, token, user.email, { confirm: 'The two passwords are not the same.' }, 400);
      const result = await account.passwordReset.complete(token, password, anonymous(req), kind);
      if (!result.ok && result.reason === 'weak') return show(req, res, token, user.email, { password: result.problems.map((p) => p.message) }, 400);
      if (!result.ok) return linkInvalid(views, res);
      accountCsrf.clear(req, res);
      message(views, res, kind === 'password_reset' ? 'Password changed' : 'Password set', page.done);
    });
  }
  return router;
}
