// Email verification pages. From the mail: /realms/:realm/email/verify?token= shows a button
// (mail scanners fetch links: a GET changes nothing) and its POST verifies. Inside a sign-in,
// when the realm requires verified emails: the verify_email prompt (src/oidc/interactions/
// verify-email-prompt.ts) shows "enter the code we sent / send a new code"; the first visit
// sends a code when none is live.
import { Router, type Request, type Response } from 'express';
import type { Details, InteractionHandler, WithDetails } from '../../oidc/interactions/interaction.routes.js';
import { VERIFY_EMAIL_PROMPT } from '../../oidc/interactions/verify-email-prompt.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { actorFromRequest } from '../audit/actor.js';
import { MailLimitedError } from '../account-mail/account-mail.js';
import { anonymous, field, form, interactionUrl, linkInvalid, message, realmServices, realmUrl, tokenOf, type AccountPagesDeps } from '../account-mail/page-kit.js';

/** Mounts the prompt's form routes; returns the prompt's page (GET /interaction/:uid). */
export function mountVerifyEmailPrompt(router: Router, withDetails: WithDetails, deps: AccountPagesDeps): InteractionHandler {
  const { views, csrf, services } = deps;

  async function userOf(res: Response, details: Details) {
    const accountId = details.session?.accountId;
    // The prompt only comes after login (the policy's order), so there is an account.
    const user = accountId ? await realmOf(res).scope.users.findById(accountId) : null;
    if (!user) throw new Error('verify_email prompt without a signed-in account');
    return user;
  }

  /** Sends a code; the notice (or error) to show. */
  async function send(req: Request, res: Response, user: { id: string; email: string; name: string | null }) {
    try {
      await realmServices(services, res).emailVerification.send(user, actorFromRequest(req, `user:${user.id}`));
      return { notice: `We sent a new code to ${user.email}.` };
    } catch (err) {
      if (!(err instanceof MailLimitedError)) throw err;
      res.setHeader('Retry-After', String(err.retryAfterSeconds));
      return { error: `Too many mails were asked for. Try again in ${Math.ceil(err.retryAfterSeconds / 60)} minute(s).`, status: 429 };
    }
  }

  const show = (req: Request, res: Response, details: Details, email: string, shown: { notice?: string; error?: string; status?: number } = {}) =>
    views.send(res, 'verify-email', {
      email,
      action: interactionUrl(req, details.uid, 'verify-email'),
      resendAction: interactionUrl(req, details.uid, 'verify-email/resend'),
      abortAction: interactionUrl(req, details.uid, 'abort'),
      csrfToken: csrf.token(req, res),
      notice: shown.notice,
      error: shown.error,
    }, shown.status ?? (shown.error ? 400 : 200));

  router.post('/:uid/verify-email', form, csrf.protect, withDetails(async (req, res, details) => {
    const user = await userOf(res, details);
    const result = await realmServices(services, res).emailVerification.verifyCode(user.id, field(req.body, 'code'), actorFromRequest(req, `user:${user.id}`));
    if (!result.ok) {
      const error = result.reason === 'locked' ? 'Too many wrong codes. Send a new code and enter that one.' : 'That code is not right, or it has expired. Check the newest mail and try again.';
      return show(req, res, details, user.email, { error, status: result.reason === 'locked' ? 429 : 400 });
    }
    csrf.clear(req, res);
    await realmOf(res).provider.interactionFinished(req, res, { [VERIFY_EMAIL_PROMPT]: { verified: true } }, { mergeWithLastSubmission: true });
  }, VERIFY_EMAIL_PROMPT));
  router.post('/:uid/verify-email/resend', form, csrf.protect, withDetails(async (req, res, details) => {
    const user = await userOf(res, details);
    show(req, res, details, user.email, await send(req, res, user));
  }, VERIFY_EMAIL_PROMPT));
  router.get(['/:uid/verify-email', '/:uid/verify-email/resend'], (req, res) => res.redirect(303, interactionUrl(req, String(req.params.uid))));

  return async (req, res, details) => {
    const user = await userOf(res, details);
    const live = await realmOf(res).scope.userTokens.findLatestLive(user.id, 'email_verification');
    show(req, res, details, user.email, live ? {} : await send(req, res, user));
  };
}

/** /realms/:realm/email/verify: the mailed link. */
export function emailVerificationLandingRoutes(deps: AccountPagesDeps): Router {
  const { views, accountCsrf, services } = deps;
  const router = Router({ mergeParams: true });
  const AGAIN = 'Sign in to get a new code, or ask the application to send a new mail.';

  router.get('/email/verify', async (req, res) => {
    const token = tokenOf(req);
    if (!(await services.userTokens.peek(realmOf(res).scope, 'email_verification', token))) return linkInvalid(views, res, AGAIN);
    views.send(res, 'account-confirm', { title: 'Verify your email', message: 'Confirm that this is your email address.', action: realmUrl(req, 'email/verify'), csrfToken: accountCsrf.token(req, res), token, buttonLabel: 'Verify my email' });
  });
  router.post('/email/verify', form, accountCsrf.protect, async (req, res) => {
    const result = await realmServices(services, res).emailVerification.verifyToken(tokenOf(req), anonymous(req));
    if (!result.ok) return linkInvalid(views, res, AGAIN);
    accountCsrf.clear(req, res);
    message(views, res, 'Email verified', [`${result.user.email} is verified.`, 'You can go back to the application and sign in.']);
  });
  return router;
}
