// Composes the HTTP application. Reading top to bottom shows where a request goes:
// in front of Express, the machine endpoints of realms in memory (POST token, introspection,
// revocation: straight to the realm's provider, machine-endpoints.ts); in Express, canonical host (browser pages) → realms (/realms/:realm: the token endpoints first, then hosted
// interaction pages, then the realm's oidc-provider) → health → landing page (/) → API reference
// (/api/v1/openapi.json, /api/v1/docs: public) → management API (/api/v1) → developer console
// (/console) → demo relying party (/demo) → 404 → error handler. Realms come first because they
// take most of the traffic (token requests): no other mount matches /realms/, so the order changes
// no answer, only how many layers each token request walks past.
import cookieParser from 'cookie-parser';
import express, { type Express, type Request, type Response, type Router } from 'express';
import type { Config } from './config/config.js';
import type { PrismaClient } from './db/types.js';
import { createCsrf } from './http/csrf.js';
import { errorHandler } from './http/error-handler.js';
import { problems, sendProblem } from './http/problem.js';
import { requestContext } from './http/request-context.js';
import { createUnknownRealmLimit } from './realms/unknown-realm-limit.js';
import { helmetHeaders, securityHeaders, splitForApis } from './http/security-headers.js';
import type { Views } from './http/views.js';
import { createLoginThrottle } from './modules/auth/login-throttle.js';
import { healthRoutes } from './modules/health/health.routes.js';
import type { Logger } from './observability/logger.js';
import { interactionRoutes } from './oidc/interactions/interaction.routes.js';
import { authorizeRateLimit } from './oidc/authorize-rate-limit.js';
import { DIRECT_POST_PATHS, directPost, endpointGuard, RFC8414_METADATA_PATH, rfc8414Metadata, ROUTES } from './oidc/endpoints.js';
import { createTokenRateLimits } from './oidc/token-rate-limit.js';
import { machineEndpoints, type FrontHandler } from './oidc/machine-endpoints.js';
import { parRateLimit } from './oidc/par-rate-limit.js';
import { pendingAdmission } from './oidc/pending-admission.js';
import { buildRealmProvider, loadProviderInputs } from './oidc/provider-factory.js';
import { createProviderPool, type ProviderPool } from './realms/provider-pool.js';
import { realmOf, resolveRealm } from './realms/realm-resolver.js';
import type { PasswordHasher } from './security/passwords.js';
import type { Stores } from './stores/stores.js';
import { apiRoutes } from './api/api.routes.js';
import { openapiRoutes } from './api/openapi/openapi.routes.js';
import type { Services } from './services.js';
import type { AuditWriter } from './modules/audit/audit-writer.js';
import { DEMO_REALM, DEMO_USER } from './demo/demo.seed.js';
import { canonicalHost } from './http/canonical-host.js';
import { landingPage } from './http/landing.js';
import { createAccountPages } from './modules/account-mail/account-pages.js';
import { canSendMail } from './config/config.js';
import { devMailRoutes } from './modules/mail/dev-mail.routes.js';
import { STATIC_PATH, staticAssets } from './http/static-assets.js';
import { accountRoutes } from './modules/account/account.routes.js';
import { createConsole } from './console/console.routes.js';

export interface AppDeps {
  config: Readonly<Config>;
  prisma: PrismaClient;
  stores: Stores;
  logger: Logger;
  views: Views;
  passwords: PasswordHasher;
  services: Services;
  auditWriter: AuditWriter;
}

/** `front` takes node's request event before `app` (src/http/app-server.ts). */
export function createApp(deps: AppDeps): { app: Express; front: FrontHandler; pool: ProviderPool } {
  const { config, prisma, stores, logger, views } = deps;
  const tokenLimits = createTokenRateLimits(stores, config.rateLimits);
  const pool = createProviderPool({
    prisma, events: stores.events, max: config.providerCacheSize, maxBytes: config.providerCacheBytes, maxAgeMs: 5 * 60_000, inputsMaxBytes: config.realmCacheBytes,
    load: (realm) => loadProviderInputs(deps, realm),
    build: (realm, inputs) => buildRealmProvider({ ...deps, tokenLimits }, realm, inputs),
  });
  const secureCookies = config.baseUrl.startsWith('https:');
  const csrf = createCsrf(config.masterKey, secureCookies);
  const throttle = createLoginThrottle(stores, config.rateLimits, { masterKey: config.masterKey, secureCookies });

  // oidc-provider derives its mount path from req.originalUrl; it needs the realm-relative url.
  const provide = (req: Request, res: Response) => void realmOf(res).handler(req, res);

  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // CSP is set per page (views): oidc-provider's form_post and redirects need their own rules.
  // X-Powered-By is never set (disabled above), so helmet need not remove it from every response.
  const helmetOptions = { contentSecurityPolicy: false, crossOriginResourcePolicy: false, xPoweredBy: false } as const;
  app.use(securityHeaders(helmetOptions));
  const context = requestContext(app, logger);
  app.use(context.middleware);
  const unknownRealms = createUnknownRealmLimit(stores, config.rateLimits.unknownRealmPerIp);
  app.use(canonicalHost(config.baseUrl));

  const realm = express.Router({ mergeParams: true });
  realm.use(resolveRealm(pool, views, unknownRealms));
  // The endpoints machines call, in any form machineEndpoints left (a realm not in memory, a decoded realm name),
  // straight to the provider, past the hosted-page routers: only what endpointGuard would let
  // through (POST). Any other method goes on to the guard.
  realm.post(ROUTES.token, tokenLimits.perIp);
  realm.post(DIRECT_POST_PATHS, directPost(provide));
  realm.get(ROUTES.authorization, authorizeRateLimit(stores, config.rateLimits, views), pendingAdmission(stores, views));
  realm.post(ROUTES.pushed_authorization_request, parRateLimit(stores, config.par), pendingAdmission(stores, views));
  const accountPages = createAccountPages({ views, csrf, services: deps.services, config, stores });
  realm.use('/interaction', cookieParser(), interactionRoutes({ views, csrf, passwords: deps.passwords, throttle, mailAvailable: canSendMail(config), extend: accountPages.interaction }));
  realm.use(accountPages.landing);
  realm.use('/account', accountRoutes({ config, views, stores, protector: deps.services.artifactProtector, services: deps.services, passwords: deps.passwords }));
  realm.use(endpointGuard(views));
  // No body parser above this line for provider routes: oidc-provider parses its own bodies.
  realm.use(provide);
  app.use('/realms/:realm', realm);
  app.use(healthRoutes({ prisma, stores, auditWriter: deps.auditWriter }));
  // Hosted pages carry their icon inline; a browser asking anyway gets nothing, not a 404 page.
  app.get('/favicon.ico', (_req, res) => void res.status(204).end());
  app.use(STATIC_PATH, staticAssets());
  const devConsole = createConsole({ config, views, services: deps.services, stores, pool, logger });
  app.get('/', landingPage(config, views, config.demo ? { realm: DEMO_REALM, ...DEMO_USER } : undefined, devConsole.firstRunOpen));
  app.use('/api/v1', openapiRoutes({ baseUrl: config.baseUrl, views }));
  app.use('/api/v1', apiRoutes({ ...deps, pool, throttle }));
  app.use('/console', devConsole.router);
  if (config.demo) {
    // The demo relying party (openid-client) loads on its first request, not at start-up.
    let demo: Promise<Router> | undefined;
    app.use('/demo', cookieParser(), async (req, res, next) => (await (demo ??= import('./demo/demo.routes.js').then((m) => m.demoRoutes(deps))))(req, res, next));
  }
  if (config.mail.devOutbox) app.use('/dev/mail', devMailRoutes(deps));

  app.get(RFC8414_METADATA_PATH, resolveRealm(pool, views, unknownRealms), rfc8414Metadata);

  app.use((req, res) => {
    if (req.accepts(['json', 'html']) === 'html' && !req.path.startsWith('/api/')) {
      views.send(res, 'error', { title: 'Not found', message: 'There is nothing at this address.', code: 'not_found', requestId: req.id }, 404);
      return;
    }
    sendProblem(res, problems.notFound('route'), req.id);
  });
  const handleError = errorHandler(views);
  app.use(handleError);

  // Token, introspection and revocation requests of realms in memory, before Express.
  const { api, document } = splitForApis(helmetHeaders(helmetOptions));
  const front = machineEndpoints({
    pool, tokenLimits, provide, headers: api, beginRequest: context.begin,
    fail(err, req, res) {
      // The error handler's answer may be a page.
      if (!res.headersSent) for (const [name, value] of document) res.setHeader(name, value);
      handleError(err, req, res, () => undefined);
    },
  });
  return { app, front, pool };
}
