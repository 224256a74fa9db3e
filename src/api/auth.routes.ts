// The direct authentication API (issue 8) under /api/v1/realms/{realm}: a developer backend signs
// its users up and in without a redirect, with the realm's real tokens for its app. Mounted by
// api.routes.ts after apiAuth and the JSON parser, so the key that reaches the realm and the
// body rules are the management API's. Rules live in src/modules/direct-auth.
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app.js';
import { z } from 'zod';
import { ProblemError, problems } from '../http/problem.js';
import { parseOrThrow } from '../http/validate.js';
import type { LoginThrottle } from '../modules/auth/login-throttle.js';
import { magicLinkExchangeSchema, magicLinkSchema, passwordResetSchema, signInSchema, signUpSchema } from '../modules/direct-auth/direct-auth.schemas.js';
import { createDirectAuthService, type DirectCall } from '../modules/direct-auth/direct-auth.service.js';
import type { ProviderPool } from '../realms/provider-pool.js';
import type { RealmRecord } from '../realms/realm-scope.js';
import type { RealmProvider } from '../oidc/provider-factory.js';
import { actorName, authorizedRealm, principalOf } from './api-auth.js';
import { needs } from './require-scope.js';

export interface AuthRoutesDeps extends AppDeps {
  pool: ProviderPool;
  throttle: LoginThrottle;
}

const invalidRedirectUri = () => new ProblemError(400, 'invalid_redirect_uri', 'Invalid redirect URI', 'redirectUri must be one of the app\'s registered redirect URIs, exactly.', [{ path: 'redirectUri', code: 'invalid_redirect_uri', message: 'not registered for this app' }]);
const invalidCode = () => new ProblemError(400, 'invalid_code', 'Invalid code', 'The code is unknown, used, expired, or was issued to another app.', [{ path: 'code', code: 'invalid_code', message: 'not usable' }]);

/** RFC 6749 §5.1: token responses carry Cache-Control: no-store (set for all of /api/v1) and Pragma: no-cache. */
const noCache = (res: Response) => res.setHeader('Pragma', 'no-cache');

/** Mounted with mergeParams under /realms/:realm. */
const realmParam = (req: Request) => String((req.params as Record<string, string>).realm);

export function authRoutes(deps: AuthRoutesDeps): Router {
  const { services, pool } = deps;
  const direct = createDirectAuthService(deps);
  const router = Router({ mergeParams: true });

  /**
   * The realm the key reaches and its provider. A realm whose provider is in the pool is read from
   * there (the pool rebuilds it on every realm change), saving a database round trip per sign-in;
   * otherwise the key is checked against the database first, so a key of another realm never
   * makes this instance build a provider.
   */
  async function realmAndProvider(principal: ReturnType<typeof principalOf>, name: string): Promise<{ realm: RealmRecord; provider: RealmProvider }> {
    const cached = pool.peek(name);
    if (cached) {
      const { realm } = cached.scope;
      const allowed = principal.kind === 'platform' ? realm.ownerId === principal.ownerId : realm.id === principal.realmId;
      if (!allowed) throw problems.notFound('realm');
      return { realm: { ...realm, settings: cached.scope.settings }, provider: cached };
    }
    const realm = await authorizedRealm(services, principal, name);
    const provider = await pool.get(realm.name);
    if (!provider) throw problems.notFound('realm');
    return { realm, provider };
  }

  /** The realm the key reaches, its provider, and the actor: the end user's address when the backend passed it. */
  async function callOf(req: Request, res: Response, endUserIp?: string): Promise<DirectCall> {
    const { realm, provider } = await realmAndProvider(principalOf(res), realmParam(req));
    const actor = { actor: actorName(principalOf(res)), ip: endUserIp ?? null, userAgent: req.get('user-agent') ?? null, requestId: req.id };
    const rebuildProvider = () => {
      pool.evict(realm.name);
      return pool.get(realm.name);
    };
    return { realm: services.forRealm(realm), provider, rebuildProvider, actor, req, res };
  }

  router.post('/auth/sign-up', needs('auth:direct'), async (req, res) => {
    const body = parseOrThrow(signUpSchema, req.body);
    const { user, tokens } = await direct.signUp(await callOf(req, res, body.endUserIp), body);
    noCache(res);
    res.status(201).location(`/api/v1/realms/${realmParam(req)}/users/${user.id}`).json({ user, tokens });
  });

  router.post('/auth/sign-in', needs('auth:direct'), async (req, res) => {
    const body = parseOrThrow(signInSchema, req.body);
    const tokens = await direct.signIn(await callOf(req, res, body.endUserIp), body);
    noCache(res);
    res.json(tokens);
  });

  // 202 for any address (no user enumeration); the link lands on the hosted confirm page, which
  // redirects to redirectUri with a single-use code (magic-links.service.ts).
  router.post('/auth/magic-links', needs('auth:direct'), async (req, res) => {
    const body = parseOrThrow(magicLinkSchema, req.body);
    const call = await callOf(req, res, body.endUserIp);
    const app = await direct.appFor(call, body.clientId);
    // Exact string match, as at /authorize (RFC 9700 §4.1.3): refused at the request, not when the link is used.
    if (!app.redirectUris.includes(body.redirectUri)) throw invalidRedirectUri();
    const target = { kind: 'app' as const, clientId: app.clientId, redirectUri: body.redirectUri, ...(body.state !== undefined ? { state: body.state } : {}) };
    await call.realm.magicLinks.request({ email: body.email, target }, call.actor);
    res.status(202).json({ status: 'accepted' });
  });

  router.post('/auth/magic-links/exchange', needs('auth:direct'), async (req, res) => {
    const body = parseOrThrow(magicLinkExchangeSchema, req.body);
    const tokens = await direct.exchangeMagicLink(await callOf(req, res), body);
    if (!tokens) throw invalidCode();
    noCache(res);
    res.json(tokens);
  });

  router.post('/auth/password-resets', needs('auth:direct'), async (req, res) => {
    const body = parseOrThrow(passwordResetSchema, req.body);
    const call = await callOf(req, res, body.endUserIp);
    await call.realm.passwordReset.request(body.email, call.actor);
    res.status(202).json({ status: 'accepted' });
  });

  // Resend the verification mail. The caller manages this realm's users (it could list them), so
  // 404 and 409 reveal nothing it could not read already.
  router.post('/users/:id/email-verifications', needs('users:write'), async (req, res) => {
    const call = await callOf(req, res);
    const id = String(req.params.id);
    // A malformed id names no user: not looked up (the database would refuse it).
    const user = z.uuid().safeParse(id).success ? await call.realm.scope.users.findById(id) : null;
    if (!user) throw problems.notFound('user');
    if (user.emailVerified) throw problems.conflict('email_already_verified', 'This user\'s email is already verified.');
    await call.realm.emailVerification.send(user, call.actor);
    res.status(202).json({ status: 'accepted' });
  });

  return router;
}
