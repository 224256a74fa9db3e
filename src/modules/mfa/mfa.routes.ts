// The mfa prompt's pages (src/oidc/interactions/mfa-prompt.ts decides when it is asked). A user
// with a factor is asked for a code of each enrolled method; one without enrolls TOTP here (QR
// code and key, one code to confirm), then sees 10 recovery codes once. Wrong codes: 5 per
// sign-in, then that sign-in and the browser's session end (the app gets access_denied, the
// next sign-in asks for the password); 20 per user per hour across sign-ins (a session already
// past the password cannot try codes without end). Where the realm allows it, a "Remember this
// browser" box sets the remember-browser.ts cookie once the prompt is done. A user left with only
// recovery codes (TOTP removed) who signs in with one is offered TOTP again ("Not now" unless
// the policy is required).
import { Router, type Request, type Response } from 'express';
import { consume } from '../../http/rate-limit.js';
import type { Details, InteractionHandler, WithDetails } from '../../oidc/interactions/interaction.routes.js';
import { anyEnrolled, MFA_ACR, MFA_PROMPT } from '../../oidc/interactions/mfa-prompt.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { actorFromRequest } from '../audit/actor.js';
import { field, form, interactionUrl, message, type AccountPagesDeps } from '../account-mail/page-kit.js';
import { appMfaOf } from '../apps/apps.service.js';
import { endBrowserSession } from './end-browser-session.js';
import { isCodeMethod, type MfaMethod } from './mfa-methods.js';
import { PASSKEY_SCRIPTS } from '../passkeys/passkey-http.js';
import { mountPasskeyMfa } from '../passkeys/passkey-mfa.routes.js';

const PER_SIGN_IN = 5;
const PER_USER_PER_HOUR = 20;

interface MfaResult {
  done?: boolean;
  /** Set the remember-browser cookie when the prompt finishes. */
  remember?: boolean;
  /** Signed in with a recovery code and no other factor left: TOTP is offered (required: must be set up). */
  offerTotp?: 'optional' | 'required';
}
type PromptResult = Record<string, unknown> & { [MFA_PROMPT]?: MfaResult };
const resultOf = (details: Details) => (details.result as PromptResult | undefined)?.[MFA_PROMPT];

export function mountMfaPrompt(router: Router, withDetails: WithDetails, deps: AccountPagesDeps): InteractionHandler {
  const { views, csrf, services, stores } = deps;
  const { totp, recoveryCodes, methods } = services.mfaMethods;
  const remember = services.mfaRemember;
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
      rememberDays: realmOf(res).scope.settings.mfaRememberDays || undefined,
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
    const offer = resultOf(details)?.offerTotp;
    views.send(res, 'mfa-enroll', {
      reoffer: Boolean(offer),
      skipAction: offer === 'optional' ? interactionUrl(req, details.uid, 'mfa/continue') : undefined,
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
    views.send(res, 'mfa-recovery-codes', { wide: true, codes, rememberDays: realmOf(res).scope.settings.mfaRememberDays || undefined, action: interactionUrl(req, details.uid, 'mfa/continue'), csrfToken: csrf.token(req, res) });

  const ended = (res: Response, returnTo: string, status = 400) =>
    message(views, res, 'Too many wrong codes', ['This sign-in has ended.', 'Go back to the application and sign in again.'], { href: returnTo, text: 'Back to the application' }, status);

  /** The login result that finishes this prompt: the session's amr gains the method's and 'mfa'. */
  const finishedLogin = (details: Details, userId: string, amr: string[], prompt: MfaResult = {}) => ({
    login: { accountId: userId, amr: [...new Set([...(details.session?.amr ?? []), ...amr, 'mfa'])], acr: MFA_ACR, remember: true },
    [MFA_PROMPT]: { ...prompt, done: true } satisfies MfaResult,
  });

  /** Hands the finished prompt back to the provider, first setting the remember cookie if asked. */
  async function finish(req: Request, res: Response, result: PromptResult, userId: string, mergeWithLastSubmission: boolean) {
    const { scope, provider } = realmOf(res);
    if (result[MFA_PROMPT]?.remember) {
      const cookie = await remember.issue(scope, userId);
      if (cookie) {
        res.cookie(cookie.name, cookie.value, cookie.options);
        await scope.audit.append({ ...actorFromRequest(req, `user:${userId}`), action: 'mfa.browser_remembered', target: `user:${userId}`, data: { days: scope.settings.mfaRememberDays } });
      }
    }
    csrf.clear(req, res);
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission });
  }

  /** The policy this sign-in's app follows (its own, else the realm's). */
  async function policyOf(res: Response, details: Details) {
    const { scope } = realmOf(res);
    const app = typeof details.params.client_id === 'string' ? await scope.apps.findByClientId(details.params.client_id) : null;
    return (app && appMfaOf(app)) || scope.settings.mfa;
  }

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
      await endBrowserSession(provider, details);
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
      const prompt: MfaResult = { remember: field(req.body, 'remember') === 'yes' };
      if (method.type === 'recovery_code' && (await enrolledMethods(res, user.id)).every((m) => m.type === 'recovery_code')) {
        // Kept in the interaction while TOTP is offered (GET shows the offer, continue finishes).
        prompt.offerTotp = (await policyOf(res, details)) === 'required' ? 'required' : 'optional';
        await provider.interactionResult(req, res, finishedLogin(details, user.id, method.amr, prompt), { mergeWithLastSubmission: true });
        return res.redirect(303, interactionUrl(req, details.uid));
      }
      await finish(req, res, finishedLogin(details, user.id, method.amr, prompt), user.id, true);
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
    // Kept in the interaction until the user has seen the codes and continues; a re-offer's
    // "remember this browser" carries over (set after enrolling, so bound to the new factor).
    await provider.interactionResult(req, res, finishedLogin(details, user.id, ['otp'], { remember: resultOf(details)?.remember }), { mergeWithLastSubmission: true });
    showCodes(req, res, details, codes);
  }, MFA_PROMPT));

  router.post('/:uid/mfa/continue', form, csrf.protect, withDetails(async (req, res, details) => {
    const result = details.result as PromptResult | undefined;
    // A required re-offer cannot be skipped: continue only after TOTP is set up.
    const prompt = result?.[MFA_PROMPT];
    if (!prompt?.done || prompt.offerTotp === 'required') return res.redirect(303, interactionUrl(req, details.uid));
    // The box on the recovery-codes page (first enrollment) asks too.
    const remembered = { ...prompt, remember: prompt.remember || field(req.body, 'remember') === 'yes' };
    await finish(req, res, { ...result, [MFA_PROMPT]: remembered }, (await userOf(res, details)).id, false);
  }, MFA_PROMPT));

  router.get(['/:uid/mfa/enroll', '/:uid/mfa/continue', ...methods.map((m) => `/:uid/mfa/${m.type}`)], (req, res) => res.redirect(303, interactionUrl(req, String(req.params.uid))));

  return async (req, res, details) => {
    const user = await userOf(res, details);
    if (details.result?.error) return ended(res, details.returnTo, 429);
    const prompt = resultOf(details);
    if (prompt?.offerTotp) return showEnroll(req, res, details, user);
    if (prompt?.done) return showCodes(req, res, details);
    if (await anyEnrolled({ scope: realmOf(res).scope, methods }, user.id)) return showVerify(req, res, details, user);
    return showEnroll(req, res, details, user);
  };
}
