// The developer console, /console: an OIDC client of the reserved admin realm (built-in app
// `gatehouse-console`, src/modules/first-party/built-in-apps.ts). Developers sign in through the
// admin realm's hosted pages with code + PKCE, so they get its password reset, passkeys and MFA;
// the code is redeemed in process and the console keeps its own session (first-party-session.ts:
// HttpOnly, SameSite=Lax, Secure on https, path /console, idle 30 min, absolute 12 h).
// Every form carries a CSRF token; deleting and rotating need a sign-in at most 5 minutes old
// (max_age=0 step-up, OpenID Connect Core §3.1.2.1). Areas live in one file each.
import cookieParser from 'cookie-parser';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Config } from '../config/config.js';
import { createCsrf } from '../http/csrf.js';
import type { Views } from '../http/views.js';
import { actorFromRequest } from '../modules/audit/actor.js';
import { consoleTarget } from '../modules/first-party/built-in-apps.js';
import { createFirstPartySessions } from '../modules/first-party/first-party-session.js';
import { createFirstPartySignIn } from '../modules/first-party/first-party-sign-in.js';
import type { Logger } from '../observability/logger.js';
import { parseRealmSettings } from '../realms/realm-settings.js';
import type { ProviderPool } from '../realms/provider-pool.js';
import type { Services } from '../services.js';
import type { Stores } from '../stores/stores.js';
import { apiKeysArea, realmApiKeysArea } from './api-keys.routes.js';
import { appsArea } from './apps.routes.js';
import { auditArea } from './audit.routes.js';
import { consoleOf, type ConsoleContext, type ConsoleKit } from './console-kit.js';
import { createConsoleSetup } from './console-setup.js';
import { firstRunRoutes } from './first-run.routes.js';
import { keysArea } from './keys.routes.js';
import { ownedRealm } from './owned-realm.js';
import { realmSettingsArea, realmsArea } from './realms.routes.js';
import { resourcesArea } from './resources.routes.js';
import { usersArea } from './users.routes.js';

/** A sensitive change needs an authentication at most this old, seconds. */
export const CONSOLE_RECENT_AUTH_SECONDS = 5 * 60;
export const CONSOLE_SCRIPT = '/static/js/console.js';

export interface ConsoleDeps {
  config: Readonly<Config>;
  views: Views;
  services: Services;
  stores: Pick<Stores, 'artifacts'>;
  pool: ProviderPool;
  logger: Logger;
}

export function createConsole(deps: ConsoleDeps) {
  const { config, views, services, logger } = deps;
  const target = consoleTarget();
  const secure = config.baseUrl.startsWith('https:');
  const setup = createConsoleSetup(services, { configured: config.console.setupToken, dataDir: config.dataDir });
  const signIn = createFirstPartySignIn({ masterKey: config.masterKey, baseUrl: config.baseUrl });
  const sessions = createFirstPartySessions(deps.stores.artifacts, services.artifactProtector, { baseUrl: config.baseUrl, timeouts: { idleSeconds: 30 * 60, absoluteSeconds: 12 * 60 * 60 } });
  const csrf = createCsrf(config.masterKey, secure, { name: 'gh_csrf_console', path: () => target.basePath });

  // Start-up: the admin realm's sign-up follows CONSOLE_SIGN_UP; a first run prints how to claim it.
  const ready = (async () => {
    const admin = await setup.adminRealm();
    const signUp = config.console.signUp ? 'enabled' : 'disabled';
    if (parseRealmSettings(admin.settings).signUp !== signUp) {
      await services.realms.update(admin, { signUp }, { actor: 'system' }).catch((err: unknown) => logger.warn({ code: (err as { code?: string }).code }, 'CONSOLE_SIGN_UP could not change the admin realm\'s sign-up (it sends mail: set SMTP_URL)'));
    }
    if (await setup.open()) {
      const how = setup.tokenFile ? `, or from anywhere with the one-time setup token in ${setup.tokenFile}` : ', or from anywhere with CONSOLE_SETUP_TOKEN';
      logger.info(`First run: create the first developer account at ${config.baseUrl}/console (from this machine${how})`);
    }
  })().catch((err: unknown) => logger.error({ err }, 'console start-up failed'));

  const kit: ConsoleKit = {
    config,
    services,
    form: express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 50 }),
    csrf: csrf.protect,
    recent: (req, res, next) => {
      if (consoleOf(res).recent) return next();
      // A POST cannot be replayed after the sign-in: the step-up returns to the page with its form.
      const back = req.method === 'GET' ? req.originalUrl.split('?')[0]! : (req.originalUrl.split('?')[0] ?? '').replace(/\/[^/]+$/, '');
      signIn.begin(res, setup.realmName, target, { returnTo: back, maxAge: 0 });
    },
    page: (res, view, data, status = 200) => {
      const ctx = res.locals.console as ConsoleContext | undefined;
      views.send(res, `console/${view}`, { wide: true, developer: ctx?.developer, csrfToken: ctx?.csrfToken, ...data }, status, { scripts: [CONSOLE_SCRIPT] });
    },
    actor: (req, res) => actorFromRequest(req, `developer:${consoleOf(res).developer.id}`),
  };

  const router = Router();
  router.use(cookieParser(), async (_req, _res, next) => {
    await ready;
    next();
  });
  router.use(firstRunRoutes({ setup, kit, csrf, logger }));

  router.get('/callback', async (req, res) => {
    const admin = await deps.pool.get(setup.realmName);
    if (!admin) throw new Error('admin realm missing');
    const result = await signIn.complete(req, res, setup.realmName, target, admin.provider);
    if (!result.ok) return views.send(res, 'error', { title: 'Sign-in did not complete', message: result.message, code: result.code, requestId: req.id }, 400);
    await sessions.start(res, admin.scope.realm.id, target, result.signedIn, req);
    res.redirect(303, result.signedIn.returnTo);
  });

  // Everything below needs the console session; without one a GET starts a sign-in and comes back.
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const admin = await setup.adminRealm();
    const session = await sessions.read(req, admin.id, target);
    const user = session && (await services.forRealm(admin).scope.users.findById(session.userId));
    if (!session || !user || user.disabled) {
      if (req.method === 'GET') return signIn.begin(res, setup.realmName, target, { returnTo: req.originalUrl.split('?')[0]!, prompt: req.path === '/sign-up' && config.console.signUp ? 'create' : undefined });
      return res.redirect(303, target.basePath);
    }
    const ctx: ConsoleContext = { developer: { id: user.id, email: user.email }, authTime: session.authTime, recent: Date.now() / 1000 - session.authTime <= CONSOLE_RECENT_AUTH_SECONDS, csrfToken: csrf.token(req, res) };
    res.locals.console = ctx;
    next();
  });

  router.get('/sign-up', (_req, res) => res.redirect(303, target.basePath));
  router.post('/sign-out', kit.form, kit.csrf, async (req, res) => {
    await sessions.end(req, res, (await setup.adminRealm()).id, target);
    views.send(res, 'account/signed-out', { title: 'Signed out', again: target.basePath });
  });

  router.use(realmsArea(kit));
  router.use(apiKeysArea(kit, setup));
  const realm = Router({ mergeParams: true });
  realm.use(ownedRealm(kit));
  realm.use(realmSettingsArea(kit));
  realm.use(appsArea(kit));
  realm.use(usersArea(kit));
  realm.use(resourcesArea(kit));
  realm.use(realmApiKeysArea(kit));
  realm.use(auditArea(kit));
  realm.use(keysArea(kit));
  router.use('/realms/:name', realm);

  return { router, firstRunOpen: () => ready.then(() => setup.open()) };
}
