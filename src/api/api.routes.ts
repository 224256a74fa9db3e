// /api/v1: the management REST API. JSON in and out; errors are application/problem+json.
import express, { Router, type Request, type Response } from 'express';
import { ProblemError, problems } from '../http/problem.js';
import { actorFromRequest } from '../modules/audit/actor.js';
import { actorName, apiAuth, authorizedRealm, principalOf } from './api-auth.js';
import { usersRoutes } from './users.routes.js';
import { authRoutes, type AuthRoutesDeps } from './auth.routes.js';

/**
 * A path that exists answers other methods with 405 and the methods it has in `Allow` (RFC 9110
 * §15.5.6); OPTIONS gets 204 with the same `Allow` (§9.3.7). Unknown paths stay 404.
 */
function allowOnlyDefinedMethods(router: Router): void {
  // router.get(p) and router.post(p) make separate routes: gather each path's methods first.
  const byPath = new Map<string, Set<string>>();
  for (const layer of router.stack) {
    const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
    if (!route) continue;
    const methods = byPath.get(route.path) ?? new Set<string>();
    for (const m of Object.keys(route.methods)) methods.add(m.toUpperCase());
    byPath.set(route.path, methods);
  }
  for (const [path, methods] of byPath) {
    const allow = [...methods, ...(methods.has('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
    // Added after every route, so it only sees the methods none of them took.
    router.all(path, (req, res) => {
      res.setHeader('Allow', allow);
      if (req.method === 'OPTIONS') return void res.status(204).end();
      throw new ProblemError(405, 'method_not_allowed', 'Method not allowed', `${req.method} is not allowed here; use ${allow}.`);
    });
  }
}

export function apiRoutes(deps: AuthRoutesDeps): Router {
  const { config, services } = deps;
  const router = Router();
  // Answers carry client secrets, API keys and personal data: never stored by a cache (RFC 9111 §5.2.2.5).
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Authentication first: an anonymous caller learns nothing about how its body would be read
  // and cannot make the server parse large bodies for free.
  router.use(apiAuth(services));
  router.use(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  router.use((req, _res, next) => {
    // A body in any other format is a client error, not something to guess at.
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && req.headers['content-length'] !== '0' && !req.is(['application/json', 'application/*+json'])) {
      throw problems.unsupportedMediaType();
    }
    next();
  });
  // The direct authentication API (auth.routes.ts): same key and body rules, same 405s.
  const auth = authRoutes(deps);
  allowOnlyDefinedMethods(auth);
  router.use('/realms/:realm', auth);

  const actor = (req: Request, res: Response) => actorFromRequest(req, actorName(principalOf(res)));
  const realmServices = async (req: Request, res: Response) => services.forRealm(await authorizedRealm(services, principalOf(res), String(req.params.realm)));
  const view = services.realms.view;

  router.get('/realms', async (_req, res) => {
    const p = principalOf(res);
    const realms = p.kind === 'platform' ? await services.realms.list(p.ownerId) : await services.realms.listByIds([p.realmId]);
    res.json({ data: realms.map(view) });
  });

  router.post('/realms', async (req, res) => {
    const p = principalOf(res);
    if (p.kind !== 'platform') throw problems.forbidden('Only platform API keys can create realms.');
    const realm = await services.realms.create(req.body, p.ownerId, actor(req, res));
    res.status(201).location(`/api/v1/realms/${realm.name}`).json(view(realm));
  });

  router.get('/realms/:realm', async (req, res) => {
    res.json(view(await authorizedRealm(services, principalOf(res), String(req.params.realm))));
  });
  router.patch('/realms/:realm', async (req, res) => {
    const realm = await authorizedRealm(services, principalOf(res), String(req.params.realm));
    res.json(view(await services.realms.update(realm, req.body, actor(req, res))));
  });

  router.get('/realms/:realm/apps', async (req, res) => {
    res.json({ data: await (await realmServices(req, res)).apps.list() });
  });
  router.post('/realms/:realm/apps', async (req, res) => {
    const { app, clientSecret } = await (await realmServices(req, res)).apps.create(req.body, actor(req, res));
    res.status(201).location(`/api/v1/realms/${String(req.params.realm)}/apps/${app.id}`).json({ ...app, ...(clientSecret ? { clientSecret } : {}) });
  });
  router.get('/realms/:realm/apps/:id', async (req, res) => {
    const app = await (await realmServices(req, res)).apps.get(String(req.params.id));
    if (!app) throw problems.notFound('app');
    res.json(app);
  });
  router.patch('/realms/:realm/apps/:id', async (req, res) => {
    const app = await (await realmServices(req, res)).apps.update(String(req.params.id), req.body, actor(req, res));
    if (!app) throw problems.notFound('app');
    res.json(app);
  });

  usersRoutes(router, { config, actor, realmServices });

  router.get('/realms/:realm/resources', async (req, res) => {
    res.json({ data: await (await realmServices(req, res)).apiResources.list() });
  });
  router.post('/realms/:realm/resources', async (req, res) => {
    const resource = await (await realmServices(req, res)).apiResources.create(req.body, actor(req, res));
    res.status(201).location(`/api/v1/realms/${String(req.params.realm)}/resources/${resource.id}`).json(resource);
  });
  router.get('/realms/:realm/resources/:id', async (req, res) => {
    const resource = await (await realmServices(req, res)).apiResources.get(String(req.params.id));
    if (!resource) throw problems.notFound('API resource');
    res.json(resource);
  });

  allowOnlyDefinedMethods(router);
  router.use(() => {
    throw problems.notFound('route');
  });
  return router;
}
