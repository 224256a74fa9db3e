// The end-user account page, /realms/{realm}/account: a built-in app of the realm
// (src/modules/first-party/built-in-apps.ts) that signs the user in through the realm's own
// authorization endpoint, so every sign-in method, MFA policy and step-up applies. Its session
// (first-party-session.ts) is the page's own; sections (account-sections.ts) render their parts
// and mount their routes under /account/<section id>. Every page: no-store (views.ts), CSRF on
// every form, the realm's display name.
import cookieParser from 'cookie-parser';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Config } from '../../config/config.js';
import { createCsrf } from '../../http/csrf.js';
import type { Views } from '../../http/views.js';
import { realmOf } from '../../realms/realm-resolver.js';
import type { ArtifactProtector } from '../../stores/artifact-protection.js';
import type { Stores } from '../../stores/stores.js';
import type { PasswordHasher } from '../../security/passwords.js';
import type { Services } from '../../services.js';
import { MFA_ACR } from '../../oidc/interactions/mfa-prompt.js';
import { accountTarget } from '../first-party/built-in-apps.js';
import { createFirstPartySessions } from '../first-party/first-party-session.js';
import { createFirstPartySignIn } from '../first-party/first-party-sign-in.js';
import type { AccountContext, AccountPublicKit, AccountRouteKit } from './account-section.js';
import { createAccountSections } from './account-sections.js';

/** A sensitive change needs an authentication at most this old (step-up), seconds. */
export const RECENT_AUTH_SECONDS = 5 * 60;

export interface AccountDeps {
  config: Readonly<Config>;
  views: Views;
  stores: Pick<Stores, 'artifacts' | 'rateLimiter'>;
  protector: ArtifactProtector;
  services: Services;
  passwords: PasswordHasher;
}

export function accountRoutes(deps: AccountDeps): Router {
  const { config, views } = deps;
  const secure = config.baseUrl.startsWith('https:');
  const signIn = createFirstPartySignIn({ masterKey: config.masterKey, baseUrl: config.baseUrl });
  const sessions = createFirstPartySessions(deps.stores.artifacts, deps.protector, { baseUrl: config.baseUrl, timeouts: { idleSeconds: 30 * 60, absoluteSeconds: 12 * 60 * 60 } });
  const targetOf = (res: Response) => accountTarget(realmOf(res).scope.realm.name);
  const csrf = createCsrf(config.masterKey, secure, { name: 'gh_csrf_acct', path: (req) => `/realms/${encodeURIComponent(String(req.params.realm))}/account` });
  const sections = createAccountSections(deps);

  const router = Router({ mergeParams: true });
  router.use(cookieParser());
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 30 });

  const publicKit: AccountPublicKit = { form, csrf: csrf.protect, csrfToken: csrf.token, send: (res, view, data, status) => views.send(res, view, data, status) };
  for (const s of sections) {
    if (!s.publicRoutes) continue;
    const sub = Router({ mergeParams: true });
    s.publicRoutes(sub, publicKit);
    router.use(`/${s.id}`, sub);
  }

  router.get('/callback', async (req, res) => {
    const { scope, provider } = realmOf(res);
    const target = targetOf(res);
    const result = await signIn.complete(req, res, scope.realm.name, target, provider);
    if (!result.ok) {
      views.send(res, 'error', { title: 'Sign-in did not complete', message: result.message, code: result.code, requestId: req.id }, 400);
      return;
    }
    await sessions.start(res, scope.realm.id, target, result.signedIn, req);
    res.redirect(303, result.signedIn.returnTo);
  });

  // Everything else needs the account session; without one a GET starts a sign-in and comes back.
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const { scope } = realmOf(res);
    const target = targetOf(res);
    const session = await sessions.read(req, scope.realm.id, target);
    const user = session && (await scope.users.findById(session.userId));
    if (!session || !user || user.disabled) {
      if (req.method === 'GET') return signIn.begin(res, scope.realm.name, target, { returnTo: req.originalUrl.split('?')[0]! });
      return res.redirect(303, target.basePath);
    }
    const recent = Date.now() / 1000 - session.authTime <= RECENT_AUTH_SECONDS;
    const ctx: AccountContext = {
      userId: session.userId,
      authTime: session.authTime,
      amr: session.amr,
      acr: session.acr,
      recent,
      recentMfa: recent && session.amr.includes('mfa'),
      sessionUid: session.sessionUid,
      csrfToken: csrf.token(req, res),
      base: target.basePath,
    };
    res.locals.account = ctx;
    res.locals.accountUser = user;
    next();
  });

  // Step-up: a fresh authentication (max_age=0, OpenID Connect Core §3.1.2.1), back to the page
  // asked for (a POST comes back to the overview: its form is not replayed). With `mfa`, the
  // authorization request also asks for MFA_ACR (acr_values, §3.1.2.1), so the mfa prompt asks
  // for a second factor even right after a password.
  const stepUp = (mfa: boolean): AccountRouteKit['recent'] => (req, res, next) => {
    const ctx = res.locals.account as AccountContext;
    if (mfa ? ctx.recentMfa : ctx.recent) return next();
    const { scope } = realmOf(res);
    const back = req.method === 'GET' ? req.originalUrl.split('?')[0]! : ctx.base;
    signIn.begin(res, scope.realm.name, targetOf(res), { returnTo: back, maxAge: 0, ...(mfa ? { acrValues: MFA_ACR } : {}) });
  };
  const kit: AccountRouteKit = {
    recent: stepUp(false),
    recentMfa: stepUp(true),
    form,
    json: express.json({ limit: '64kb' }),
    csrf: csrf.protect,
    page: (_req, res, view, data, status, options) => views.send(res, view, { wide: true, accountBase: (res.locals.account as AccountContext).base, sections: sections.map((s) => ({ id: s.id, title: s.title })), ...data }, status, options),
    done: (_req, res, notice) => res.redirect(303, `${(res.locals.account as AccountContext).base}?notice=${encodeURIComponent(notice)}`),
  };

  router.get('/', async (req, res) => {
    const ctx = res.locals.account as AccountContext;
    // One section after another: in parallel, one section's synchronous template work delays the
    // replies another awaits, and a busy process then hits the store's command timeout.
    const parts: { id: string; title: string; html: string }[] = [];
    for (const s of sections) parts.push({ id: s.id, title: s.title, html: await s.render(req, res, ctx) });
    const notice = typeof req.query.notice === 'string' ? req.query.notice.slice(0, 200) : undefined;
    kit.page(req, res, 'account/overview', { title: 'Your account', user: res.locals.accountUser, parts, notice, csrfToken: ctx.csrfToken }, 200, { scripts: sections.flatMap((s) => s.scripts ?? []) });
  });

  router.post('/sign-out', kit.form, kit.csrf, async (req, res) => {
    const { scope } = realmOf(res);
    await sessions.end(req, res, scope.realm.id, targetOf(res));
    views.send(res, 'account/signed-out', { title: 'Signed out', again: targetOf(res).basePath });
  });

  for (const s of sections) {
    if (!s.routes) continue;
    const sub = Router({ mergeParams: true });
    s.routes(sub, kit);
    router.use(`/${s.id}`, sub);
  }
  return router;
}
