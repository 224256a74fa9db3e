// The mfa prompt's pages (src/oidc/interactions/mfa-prompt.ts decides when it is asked). A user
// with a factor is asked for a code of each enrolled method; one without enrolls TOTP here (QR
// code and key, one code to confirm), then sees 10 recovery codes once. Wrong codes: 5 per
// sign-in, then that sign-in ends (the app gets access_denied); 20 per user per hour across
// sign-ins (a session already past the password cannot try codes without end).
import { Router, type Request, type Response } from 'express';
import { consume } from '../../http/rate-limit.js';
import type { Details, InteractionHandler, WithDetails } from '../../oidc/interactions/interaction.routes.js';
import { anyEnrolled, MFA_ACR, MFA_PROMPT } from '../../oidc/interactions/mfa-prompt.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { actorFromRequest } from '../audit/actor.js';
import { field, form, interactionUrl, message, type AccountPagesDeps } from '../account-mail/page-kit.js';
import { isCodeMethod, type MfaMethod } from './mfa-methods.js';
import { PASSKEY_SCRIPTS } from '../passkeys/passkey-http.js';
import { mountPasskeyMfa } from '../passkeys/passkey-mfa.routes.js';

const PER_SIGN_IN = 5;
const PER_USER_PER_HOUR = 20;

interface MfaResult { done?: boolean }

export function mountMfaPrompt(router: Router, withDetails: WithDetails, deps: AccountPagesDeps): InteractionHandler {
  const { views, csrf, services, stores } = deps;
  const { totp, recoveryCodes, methods } = services.mfaMethods;
  const perSignIn = stores.rateLimiter({ keyPrefix: 'mfa-sign-in', points: PER_SIGN_IN, durationSeconds: 3600 });
  const perUser = stores.rateLimiter({ keyPrefix: 'mfa-user', points: PER_USER_PER_HOUR, durationSeconds: 3600 });

  async function userOf(res: Response, details: Details) {
    const accountId = details.session?.accountId;
    // The prompt only comes after login (the policy's order), so there is an account.
    const user = accountId ? await realmOf(res).scope.users.findById(accountId) : null;
    if (!user) throw new Error('mfa prompt without a signed-in account');
    return user;
  }

  async function enrolledMethods(res: Response, userId: string) {
    const { scope } = realmOf(res);
    const found: MfaMethod[] = [];
    for (const m of methods) if (await m.isEnrolled(scope, userId)) found.push(m);
    return found;
  }

  async function showVerify(req: Request, res: Response, details: Details, user: { id: string; email: string }, error?: string, status = 200, invalid?: MfaMethod['type']) {
    const enrolled = new Set((await enrolledMethods(res, user.id)).map((m) => m.type));
    views.send(res, 'mfa-verify', {
      email: user.email,
      totpAction: enrolled.has('totp') ? interactionUrl(req, details.uid, 'mfa/totp') : undefined,
      recoveryAction: enrolled.has('recovery_code') ? interactionUrl(req, details.uid, 'mfa/recovery_code') : undefined,
      passkeyAction: enrolled.has('passkey') ? interactionUrl(req, details.uid, 'mfa/passkey') : undefined,
      abortAction: interactionUrl(req, details.uid, 'abort'),
      csrfToken: csrf.token(req, res),
      error,
      // The field the error is about: marked aria-invalid, tied to the message (WCAG 2.2 §3.3.1).
      invalid,
    }, status, { scripts: enrolled.has('passkey') ? [PASSKEY_SCRIPTS.mfa] : [] });
  }

  async function showEnroll(req: Request, res: Response, details: Details, user: { id: string; email: string }, error?: string, status = 200) {
    const pending = await totp.begin(realmOf(res).scope, user);
    if (!pending) return showVerify(req, res, details, user);
    views.send(res, 'mfa-enroll', {
      email: user.email,
      qrDataUrl: pending.qrDataUrl,
      secret: pending.secret,
      action: interactionUrl(req, details.uid, 'mfa/enroll'),
      abortAction: interactionUrl(req, details.uid, 'abort'),
      csrfToken: csrf.token(req, res),
      error,
    }, status);
  }

  const showCodes = (req: Request, res: Response, details: Details, codes?: string[]) =>
    views.send(res, 'mfa-recovery-codes', { wide: true, codes, action: interactionUrl(req, details.uid, 'mfa/continue'), csrfToken: csrf.token(req, res) });

  const ended = (res: Response, returnTo: string, status = 400) =>
    message(views, res, 'Too many wrong codes', ['This sign-in has ended.', 'Go back to the application and sign in again.'], { href: returnTo, text: 'Back to the application' }, status);

  /** The login result that finishes this prompt: the session's amr gains the method's and 'mfa'. */
  const finishedLogin = (details: Details, userId: string, amr: string[]) => ({
    login: { accountId: userId, amr: [...new Set([...(details.session?.amr ?? []), ...amr, 'mfa'])], acr: MFA_ACR, remember: true },
    [MFA_PROMPT]: { done: true } satisfies MfaResult,
  });

  /** A wrong code: counted per sign-in and per user. Ends the sign-in at the fifth. */
  async function wrongCode(req: Request, res: Response, details: Details, user: { id: string; email: string }, retry: () => Promise<void>) {
    const { scope, provider } = realmOf(res);
    await scope.audit.append({ ...actorFromRequest(req, `user:${user.id}`), action: 'mfa.failure', target: `user:${user.id}` });
    await consume(perUser, `${scope.realm.id}:${user.id}`);
    const left = await consume(perSignIn, `${scope.realm.id}:${details.uid}`);
    const count = await perSignIn.get(`${scope.realm.id}:${details.uid}`);
    if (!left.ok || (count?.consumedPoints ?? 0) >= PER_SIGN_IN) {
      await scope.audit.append({ ...actorFromRequest(req, `user:${user.id}`), action: 'mfa.sign_in_ended', target: `user:${user.id}` });
      csrf.clear(req, res);
      const returnTo = await provider.interactionResult(req, res, { error: 'access_denied', error_description: 'Too many wrong second-factor codes' }, { mergeWithLastSubmission: false });
      return ended(res, returnTo, 429);
    }
    return retry();
  }

  /** Refusals before a code is even checked: this sign-in ended, or the user's hourly limit. */
  async function refused(req: Request, res: Response, details: Details, userId: string): Promise<boolean> {
    if (details.result?.error) {
      ended(res, details.returnTo, 429);
      return true;
    }
    const used = await perUser.get(`${realmOf(res).scope.realm.id}:${userId}`);
    if ((used?.consumedPoints ?? 0) < PER_USER_PER_HOUR) return false;
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil((used?.msBeforeNext ?? 60_000) / 1000))));
    message(views, res, 'Too many wrong codes', ['Too many wrong codes were entered for this account. Try again later.'], undefined, 429);
    return true;
  }

  for (const method of methods.filter(isCodeMethod)) {
    router.post(`/:uid/mfa/${method.type}`, form, csrf.protect, withDetails(async (req, res, details) => {
      const user = await userOf(res, details);
      if (await refused(req, res, details, user.id)) return;
      const { scope, provider } = realmOf(res);
      if (!(await method.isEnrolled(scope, user.id)) || !(await method.verify(scope, user.id, field(req.body, 'code')))) {
        return wrongCode(req, res, details, user, () => showVerify(req, res, details, user, 'That code is not right. Try again.', 400, method.type));
      }
      await scope.audit.append({ ...actorFromRequest(req, `user:${user.id}`), action: 'mfa.success', target: `user:${user.id}`, data: { method: method.type } });
      csrf.clear(req, res);
      await provider.interactionFinished(req, res, finishedLogin(details, user.id, method.amr), { mergeWithLastSubmission: true });
    }, MFA_PROMPT));
  }

  // A passkey answers a challenge by script (src/modules/passkeys/passkey-mfa.routes.ts).
  mountPasskeyMfa(router, withDetails, deps, async (req, res, details, userId, amr) => {
    csrf.clear(req, res);
    return realmOf(res).provider.interactionResult(req, res, finishedLogin(details, userId, amr), { mergeWithLastSubmission: true });
  });

  router.post('/:uid/mfa/enroll', form, csrf.protect, withDetails(async (req, res, details) => {
    const user = await userOf(res, details);
    if (await refused(req, res, details, user.id)) return;
    const { scope, provider } = realmOf(res);
    if (!(await totp.check(scope, user.id, field(req.body, 'code'), 'confirm'))) {
      return wrongCode(req, res, details, user, () => showEnroll(req, res, details, user, 'That code is not right. Check the time on your device and try the newest code.', 400));
    }
    const codes = await recoveryCodes.generate(scope, user.id);
    await scope.audit.append({ ...actorFromRequest(req, `user:${user.id}`), action: 'mfa.enrolled', target: `user:${user.id}`, data: { method: 'totp' } });
    // Kept in the interaction until the user has seen the codes and continues.
    await provider.interactionResult(req, res, finishedLogin(details, user.id, ['otp']), { mergeWithLastSubmission: true });
    showCodes(req, res, details, codes);
  }, MFA_PROMPT));

  router.post('/:uid/mfa/continue', form, csrf.protect, withDetails(async (req, res, details) => {
    const result = details.result as (Record<string, unknown> & { [MFA_PROMPT]?: MfaResult }) | undefined;
    if (!result?.[MFA_PROMPT]?.done) return res.redirect(303, interactionUrl(req, details.uid));
    csrf.clear(req, res);
    await realmOf(res).provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }, MFA_PROMPT));

  router.get(['/:uid/mfa/enroll', '/:uid/mfa/continue', ...methods.map((m) => `/:uid/mfa/${m.type}`)], (req, res) => res.redirect(303, interactionUrl(req, String(req.params.uid))));

  return async (req, res, details) => {
    const user = await userOf(res, details);
    if (details.result?.error) return ended(res, details.returnTo, 429);
    if ((details.result as { [MFA_PROMPT]?: MfaResult } | undefined)?.[MFA_PROMPT]?.done) return showCodes(req, res, details);
    if (await anyEnrolled({ scope: realmOf(res).scope, methods }, user.id)) return showVerify(req, res, details, user);
    return showEnroll(req, res, details, user);
  };
}
