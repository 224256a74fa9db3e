// The direct authentication API's rules (issue 8): a developer backend, holding an API key that
// reaches the realm, signs its users up and in without a redirect, for one of its apps that has
// directAuth on (only confidential first-party apps may: apps.schemas.ts directAuthProblem).
// The tokens are the realm's real tokens for that app (token-mint.ts).
//
// Security rules relied on:
// - Sign-in answers 401 invalid_credentials with one body for an unknown email, a wrong
//   password, a user without a password and a disabled user; each runs one argon2id verify
//   (a dummy one when there is no hash, passwords.ts) and the throttle's failure delay, so the
//   status, body and timing class are the same (no user enumeration, OWASP ASVS V2.2).
// - Sign-in is throttled by the hosted login's throttle (login-throttle.ts): per account always,
//   and per end-user address when the backend passes endUserIp. Without it the attempt is an
//   unknown source with no address: its "address" is the account's own key, so the per-address
//   limit cannot pool one backend's users together, and the per-account budget and lockout bind.
// - Sign-up is 409 email_taken for a taken address: the caller is the app's trusted backend
//   (it holds an API key), which owns that user experience; anonymous callers never get here.
import type { Request, Response } from 'express';
import type { App, User } from '../../generated/prisma/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { ProblemError, problems } from '../../http/problem.js';
import { consume } from '../../http/rate-limit.js';
import type { RealmProvider } from '../../oidc/provider-factory.js';
import { passwordProblems } from '../../security/password-policy.js';
import type { PasswordHasher } from '../../security/passwords.js';
import type { RealmServices, Services } from '../../services.js';
import type { Stores } from '../../stores/stores.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import type { Config } from '../../config/config.js';
import type { Actor } from '../audit/actor.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { createDeviceTokens } from '../auth/device-tokens.js';
import { toUserView } from '../users/users.service.js';
import { createEmailVerificationService } from '../email-verification/email-verification.service.js';
import { KNOWN_USER_SCOPES } from './direct-auth.schemas.js';
import { mintTokens, type TokenResponse } from './token-mint.js';
import { mfaNeed } from '../../oidc/interactions/mfa-prompt.js';
import { appMfaOf } from '../apps/apps.service.js';

export const directAuthProblems = {
  invalidClient: () => new ProblemError(400, 'invalid_client', 'Unknown app', 'No app with this clientId in this realm.'),
  disabled: () => new ProblemError(403, 'direct_auth_disabled', 'Direct authentication disabled', 'This app does not have directAuth turned on.'),
  mfaRequired: () => new ProblemError(403, 'mfa_required', 'Second factor required', 'This app asks this user for a second factor: sign them in through the hosted sign-in pages.'),
  invalidCredentials: () => new ProblemError(401, 'invalid_credentials', 'Invalid credentials', 'The email or password is incorrect.'),
  notVerified: () => new ProblemError(403, 'email_not_verified', 'Email not verified', 'This realm requires a verified email before signing in.'),
  invalidScope: (s: string) => new ProblemError(400, 'invalid_scope', 'Invalid scope', `"${s}" is not a scope of this realm or of the requested resource.`, [{ path: 'scope', code: 'invalid_scope', message: 'unknown scope' }]),
  invalidResource: () => new ProblemError(400, 'invalid_resource', 'Invalid resource', 'The resource is not an API resource of this realm.', [{ path: 'resource', code: 'invalid_resource', message: 'not registered' }]),
  rateLimited: (retryAfterSeconds: number) => Object.assign(problems.rateLimited(), { retryAfterSeconds }),
};

/** One call's realm: its services, its provider, and who is asking. */
export interface DirectCall {
  realm: RealmServices;
  provider: RealmProvider;
  /** The realm's provider built afresh (after a change this instance has not heard of yet). */
  rebuildProvider: () => Promise<RealmProvider | undefined>;
  actor: Actor;
  req: Request;
  res: Response;
}

export interface TokenAsk {
  scope?: string;
  resource?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createDirectAuthService(deps: { config: Readonly<Config>; stores: Stores; services: Services; passwords: PasswordHasher; throttle: LoginThrottle; auditWriter: AuditWriter }) {
  const { config, stores, services, passwords, throttle, auditWriter } = deps;
  const signUpPerIp = stores.rateLimiter({ keyPrefix: 'direct-sign-up-ip', points: config.signUpPerIpPerHour, durationSeconds: 3600 });
  const deviceTokens = createDeviceTokens(config.masterKey);

  /** The app, if it exists in this realm and allows direct authentication. */
  async function appFor(call: DirectCall, clientId: string): Promise<App> {
    const app = await call.realm.scope.apps.findByClientId(clientId);
    if (!app) throw directAuthProblems.invalidClient();
    if (!app.directAuth) throw directAuthProblems.disabled();
    return app;
  }

  /** Refuses, before any password is looked at, a scope or resource the tokens could not carry. */
  async function checkTokenAsk(call: DirectCall, ask: TokenAsk) {
    const resource = ask.resource ? await call.realm.scope.apiResources.findByIdentifier(ask.resource) : undefined;
    if (ask.resource && !resource) throw directAuthProblems.invalidResource();
    for (const s of ask.scope?.split(' ') ?? []) {
      if (!KNOWN_USER_SCOPES.has(s) && !resource?.scopes.includes(s)) throw directAuthProblems.invalidScope(s);
    }
  }

  /**
   * The direct API has no second-factor step: where the app's MFA policy would ask this user for
   * one (src/oidc/interactions/mfa-prompt.ts), it issues no tokens, so it cannot bypass MFA.
   */
  const secondFactorNeeded = async (call: DirectCall, app: App, user: User) =>
    (await mfaNeed({ scope: call.realm.scope, methods: services.mfaMethods.methods, appPolicy: () => appMfaOf(app) }, { accountId: user.id, clientId: app.clientId })) !== 'none';

  async function tokensFor(call: DirectCall, app: App, user: User, amr: string[], ask: TokenAsk): Promise<TokenResponse> {
    if (await secondFactorNeeded(call, app, user)) throw directAuthProblems.mfaRequired();
    const input = { app, user, amr, ...ask };
    let minted = await mintTokens(call.provider, call.req, call.res, input);
    // Every app change rebuilds the provider; one that does not know the app yet is a moment
    // behind the database (e.g. an app made by the CLI without Redis to announce it): rebuild once.
    if (!minted.ok && minted.reason === 'unknown_client') {
      const fresh = await call.rebuildProvider();
      minted = fresh ? await mintTokens(fresh, call.req, call.res, input) : minted;
    }
    if (!minted.ok && minted.reason === 'unknown_client') throw Object.assign(problems.unavailable(), { retryAfterSeconds: 1 });
    if (!minted.ok && minted.reason === 'invalid_resource') throw directAuthProblems.invalidResource();
    if (!minted.ok) throw directAuthProblems.invalidCredentials();
    return minted.tokens;
  }

  /** The realm's email verification service bound to transaction `tx`. */
  const verificationIn = (tx: RealmScope, call: DirectCall) =>
    createEmailVerificationService({ scope: tx, config, mailOutbox: services.mailOutbox, mailLimits: services.mailLimits, userTokens: services.userTokens, passwords, sessions: call.realm.sessions, afterAnswer: services.afterAnswer });

  const audit = (call: DirectCall, action: string, target: string | null, data: Record<string, string>) =>
    auditWriter.write(call.realm.scope.realm.id, { ...call.actor, action, target, data });

  return {
    appFor,

    async signUp(call: DirectCall, input: { clientId: string; email: string; password: string; name?: string; endUserIp?: string } & TokenAsk) {
      const app = await appFor(call, input.clientId);
      await checkTokenAsk(call, input);
      const weak = passwordProblems(input.password, call.realm.scope.settings.passwordPolicy, input.email);
      if (weak.length) throw problems.validation(weak.map((p) => ({ path: 'password', code: p.code, message: p.message })), 'The password does not meet the realm\'s policy.');
      if (input.endUserIp) {
        const limit = await consume(signUpPerIp, `${call.realm.scope.realm.id}:${input.endUserIp}`);
        if (!limit.ok) throw directAuthProblems.rateLimited(limit.retryAfterSeconds);
      }
      const passwordHash = await passwords.hash(input.password);
      let user: User;
      try {
        user = await call.realm.scope.inTransaction(async (tx) => {
          const created = await tx.users.create({ email: input.email, name: input.name ?? null, passwordHash });
          await tx.audit.append({ ...call.actor, action: 'user.signed_up', target: `user:${created.id}`, data: { clientId: app.clientId, via: 'direct_auth' } });
          // The verification mail is queued in the sign-up's own transaction (issue 8: the outbox
          // row lands with its cause, or neither does).
          await verificationIn(tx, call).send(created, call.actor);
          return created;
        });
      } catch (err) {
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw problems.conflict('email_taken', 'A user with this email already exists in this realm.');
        throw err;
      }
      // A realm that requires a verified email signs nobody in before verification, sign-up included.
      const tokens = call.realm.scope.settings.requireVerifiedEmail || (await secondFactorNeeded(call, app, user)) ? null : await tokensFor(call, app, user, ['pwd'], input);
      return { user: toUserView(user), tokens };
    },

    async signIn(call: DirectCall, input: { clientId: string; email: string; password: string; endUserIp?: string } & TokenAsk): Promise<TokenResponse> {
      const app = await appFor(call, input.clientId);
      await checkTokenAsk(call, input);
      const realmId = call.realm.scope.realm.id;
      const source = input.endUserIp ?? `account:${deviceTokens.accountKey(realmId, input.email)}`;
      const limit = await throttle.check(realmId, input.email, source);
      if (!limit.ok) throw directAuthProblems.rateLimited(limit.retryAfterSeconds);

      const user = await call.realm.scope.users.findByEmailWithPassword(input.email);
      const valid = await passwords.verify(user?.password?.hash, input.password);
      if (!user || !valid || user.disabled) {
        audit(call, 'direct_sign_in.failure', user ? `user:${user.id}` : null, { clientId: app.clientId, reason: user?.disabled ? 'disabled' : 'invalid_credentials' });
        await sleep(await throttle.failed(realmId, input.email, source));
        throw directAuthProblems.invalidCredentials();
      }
      await throttle.succeeded(realmId, input.email, source);
      // Told only to a caller that knows the password.
      if (call.realm.scope.settings.requireVerifiedEmail && !user.emailVerified) throw directAuthProblems.notVerified();
      audit(call, 'direct_sign_in.success', `user:${user.id}`, { clientId: app.clientId });
      return tokensFor(call, app, user, ['pwd'], input);
    },

    /** The tokens for a magic link's exchange code (magicLinks.exchange consumes it); null when the code is no good. */
    async exchangeMagicLink(call: DirectCall, input: { clientId: string; code: string } & TokenAsk): Promise<TokenResponse | null> {
      const app = await appFor(call, input.clientId);
      await checkTokenAsk(call, input);
      const user = await call.realm.magicLinks.exchange(input.code, app.clientId, call.actor);
      // RFC 8176 has no method for "proved a mailbox"; the link is a one-time secret sent out of band.
      return user ? tokensFor(call, app, user, ['otp'], input) : null;
    },
  };
}

export type DirectAuthService = ReturnType<typeof createDirectAuthService>;
