// The login prompt: email + password, checked with argon2id, throttled (login-throttle.ts: a
// browser that signed in to the account before shows its device cookie and is judged by its own
// failures only), audited (success and failure). Failures never say whether the email exists.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { emailAddress } from '../../modules/users/email-address.js';
import { PASSWORD_MAX_LENGTH } from '../../security/passwords.js';
import { realmOf } from '../../realms/realm-resolver.js';
import type { Details, InteractionDeps } from './interaction.routes.js';
import { PASSKEY_SCRIPTS } from '../../modules/passkeys/passkey-http.js';
import { PASSKEY_OFFER_PROMPT } from '../../modules/passkeys/passkey-offer.prompt.js';

const loginForm = z.object({
  email: emailAddress(),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createLoginHandler({ views, csrf, passwords, throttle, mailAvailable }: InteractionDeps) {
  async function show(req: Request, res: Response, details: Details, error?: string, email?: string, status = 200, invalidFields: string[] = []) {
    const { provider, scope } = realmOf(res);
    const client = await provider.Client.find(String(details.params.client_id));
    const base = `${req.baseUrl}/${details.uid}`;
    const settings = scope.settings;
    // The passkey button and autofill (src/modules/passkeys/passkey-sign-in.routes.ts) come from
    // the page script; without JavaScript the page is the password form it always was.
    views.send(res, 'login', {
      clientName: client?.clientName ?? client?.clientId ?? 'the application',
      action: `${base}/login`,
      abortAction: `${base}/abort`,
      csrfToken: csrf.token(req, res),
      email: email ?? (typeof details.params.login_hint === 'string' ? details.params.login_hint : ''),
      error,
      // Marked aria-invalid and tied to the error text (WCAG 2.2 §3.3.1).
      invalidFields,
      // The account pages of this sign-in (src/modules/*/…routes.ts), each only when the realm offers it.
      signUpUrl: settings.signUp === 'enabled' ? `${base}/sign-up` : undefined,
      magicLinkUrl: settings.magicLink === 'enabled' ? `${base}/email-link` : undefined,
      forgotUrl: mailAvailable === false ? undefined : `${base}/forgot-password`,
      passkeyOptionsUrl: `${base}/passkey/options`,
      passkeyLoginUrl: `${base}/passkey/login`,
    }, status, { scripts: [PASSKEY_SCRIPTS.login] });
  }

  async function submit(req: Request, res: Response, details: Details) {
    const realm = realmOf(res);
    const ip = req.ip ?? 'unknown';
    const parsed = loginForm.safeParse(req.body);
    if (!parsed.success) {
      const invalid = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
      return show(req, res, details, 'Enter your email address and password.', String(req.body?.email ?? ''), 400, invalid);
    }
    const { email, password } = parsed.data;

    const realmId = realm.scope.realm.id;
    const device = throttle.deviceCookie.read(req);
    const limit = await throttle.check(realmId, email, ip, device);
    if (!limit.ok) {
      res.setHeader('Retry-After', String(limit.retryAfterSeconds));
      return show(req, res, details, `Too many sign-in attempts. Try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minute(s).`, email, 429);
    }

    const user = await realm.scope.users.findByEmailWithPassword(email);
    const valid = await passwords.verify(user?.password?.hash, password);
    const audit = { ip, userAgent: req.get('user-agent') ?? null, requestId: req.id };
    if (!user || !valid || user.disabled) {
      await realm.scope.audit.append({ actor: 'anonymous', action: 'login.failure', target: user ? `user:${user.id}` : null, data: { reason: user?.disabled ? 'disabled' : 'invalid_credentials' }, ...audit });
      await sleep(await throttle.failed(realmId, email, ip, device));
      return show(req, res, details, 'Incorrect email or password.', email, 401, ['email', 'password']);
    }

    throttle.deviceCookie.write(req, res, await throttle.succeeded(realmId, email, ip, device));
    await realm.scope.audit.append({ actor: `user:${user.id}`, action: 'login.success', target: `user:${user.id}`, data: { clientId: String(details.params.client_id) }, ...audit });
    csrf.clear(req, res);
    // passkey_capable: set by the page script when this browser can make a passkey (passkey-offer.prompt.ts).
    const offer = req.body?.passkey_capable === '1' ? { [PASSKEY_OFFER_PROMPT]: { capable: true } } : {};
    await realm.provider.interactionFinished(req, res, { login: { accountId: user.id, amr: ['pwd'], remember: true }, ...offer }, { mergeWithLastSubmission: false });
  }

  return { show: (req: Request, res: Response, details: Details) => show(req, res, details), submit };
}
