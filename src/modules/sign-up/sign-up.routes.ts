// The hosted sign-up page inside a sign-in (/realms/:realm/interaction/:uid/sign-up), offered
// from the login page when the realm has signUp: 'enabled', and the first page of a prompt=create
// request (src/oidc/interactions/create-prompt.ts). Limited per source address
// (config.signUpPerIpPerHour, 429 + Retry-After: RFC 6585 §4), then "check your mail" whatever
// the address (sign-up.service.ts says why).
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { consume } from '../../http/rate-limit.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { PASSWORD_MAX_LENGTH } from '../../security/passwords.js';
import { CREATE_PROMPT } from '../../oidc/interactions/create-prompt.js';
import type { Details, WithDetails } from '../../oidc/interactions/interaction.routes.js';
import { emailAddress, isEmailAddress } from '../users/email-address.js';
import { anonymous, field, form, interactionUrl, limitedPage, message, realmServices, type AccountPagesDeps } from '../account-mail/page-kit.js';

const signUpForm = z.object({
  email: emailAddress(),
  password: z.string().min(1, 'Choose a password.').max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`),
  name: z.string().trim().max(200, 'Use at most 200 characters.').refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'Remove control characters.'),
});

interface FieldErrors {
  email?: string;
  password?: string[];
  name?: string;
}

/** The sign-in form of this interaction; under prompt=create the interaction's page is sign-up, so the login form is asked for. */
const signInUrl = (req: Request, details: Details) => `${interactionUrl(req, details.uid)}${details.prompt.name === CREATE_PROMPT ? '?signin' : ''}`;

export function mountSignUp(router: Router, withDetails: WithDetails, deps: AccountPagesDeps) {
  const { views, csrf, services, config, stores } = deps;
  const perIp = stores.rateLimiter({ keyPrefix: 'sign-up-ip', points: config.signUpPerIpPerHour, durationSeconds: 3600 });
  const enabled = (res: Response) => realmOf(res).scope.settings.signUp === 'enabled';
  const notOffered = (res: Response) => message(views, res, 'Sign-up is not available', 'This service does not offer creating an account here.', undefined, 404);

  async function show(req: Request, res: Response, details: Details, values: { email?: string; name?: string } = {}, errors: FieldErrors = {}, status = 200) {
    const client = await realmOf(res).provider.Client.find(String(details.params.client_id));
    views.send(res, 'sign-up', {
      clientName: client?.clientName ?? client?.clientId ?? 'the application',
      action: interactionUrl(req, details.uid, 'sign-up'),
      backUrl: signInUrl(req, details),
      csrfToken: csrf.token(req, res),
      minLength: realmOf(res).scope.settings.passwordPolicy.minLength,
      ...values,
      errors,
      error: Object.keys(errors).length ? 'Check the fields marked below.' : undefined,
    }, status);
  }

  router.get('/:uid/sign-up', withDetails(async (req, res, details) => (enabled(res) ? show(req, res, details) : notOffered(res)), 'login'));
  router.post('/:uid/sign-up', form, csrf.protect, withDetails(async (req, res, details) => {
    if (!enabled(res)) return notOffered(res);
    const values = { email: field(req.body, 'email'), name: field(req.body, 'name') };
    const parsed = signUpForm.safeParse({ ...values, password: field(req.body, 'password') });
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const path = String(issue.path[0]);
        if (path === 'email') errors.email = 'Enter a valid email address.';
        if (path === 'name') errors.name = issue.message;
        if (path === 'password') errors.password = [issue.message];
      }
      return show(req, res, details, values, errors, 400);
    }
    const realm = realmOf(res).scope.realm;
    const limit = await consume(perIp, `${realm.id}:${req.ip ?? 'unknown'}`);
    if (!limit.ok) {
      res.setHeader('Retry-After', String(limit.retryAfterSeconds));
      return message(views, res, 'Too many sign-ups', `Too many accounts were created from your network. Try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minute(s).`, { href: signInUrl(req, details), text: 'Back to sign in' }, 429);
    }
    const { email, password, name } = parsed.data;
    try {
      const result = await realmServices(services, res).signUp.signUp({ email, password, name: name || undefined }, anonymous(req));
      if (!result.ok) return show(req, res, details, values, { password: result.problems.map((p) => p.message) }, 400);
    } catch (err) {
      if (limitedPage(views, res, err, signInUrl(req, details))) return;
      throw err;
    }
    checkYourMail(req, res, details, email);
  }, 'login'));

  // The code from the mail, for reading it on another device. An address without a live code (no
  // account, or a verified one that got a reset link) gets "not right" like a wrong code, so this
  // form tells nothing about accounts either; five wrong codes end the code (user-tokens).
  const checkYourMail = (req: Request, res: Response, details: Details, email: string, error?: string, status = 200) =>
    views.send(res, 'sign-up-done', { email, error, action: interactionUrl(req, details.uid, 'sign-up/verify'), backUrl: signInUrl(req, details), csrfToken: csrf.token(req, res) }, status);
  router.post('/:uid/sign-up/verify', form, csrf.protect, withDetails(async (req, res, details) => {
    if (!enabled(res)) return notOffered(res);
    const email = field(req.body, 'email').trim().toLowerCase();
    if (!isEmailAddress(email)) return checkYourMail(req, res, details, '', 'Start again: the address is missing.', 400);
    const user = await realmOf(res).scope.users.findByEmail(email);
    const result = user ? await realmServices(services, res).emailVerification.verifyCode(user.id, field(req.body, 'code'), anonymous(req)) : { ok: false as const, reason: 'invalid' as const };
    if (!result.ok) return checkYourMail(req, res, details, email, 'That code is not right, or it has expired. Check the newest mail and try again.', 400);
    message(views, res, 'Email verified', `${email} is verified. You can now sign in.`, { href: signInUrl(req, details), text: 'Continue to sign in' });
  }, 'login'));
  router.get(['/:uid/sign-up/verify'], (req, res) => res.redirect(303, interactionUrl(req, String(req.params.uid), 'sign-up')));
}
