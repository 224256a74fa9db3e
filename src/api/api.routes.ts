// /api/v1: the management REST API. JSON in and out; errors are application/problem+json.
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { problems } from '../http/problem.js';
import { parseOrThrow } from '../http/validate.js';
import { actorFromRequest } from '../modules/audit/actor.js';
import { actorName, apiAuth, authorizedRealm, principalOf } from './api-auth.js';

const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.uuid().optional() });

export function apiRoutes({ config, services }: AppDeps): Router {
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

  router.get('/realms/:realm/users', async (req, res) => {
    const q = parseOrThrow(pageQuery, req.query);
    const users = await (await realmServices(req, res)).users.list(q.limit, q.cursor);
    res.json({ data: users, nextCursor: users.length === q.limit ? users.at(-1)?.id : null });
  });
  router.post('/realms/:realm/users', async (req, res) => {
    const user = await (await realmServices(req, res)).users.create(req.body, actor(req, res));
    res.status(201).location(`/api/v1/realms/${String(req.params.realm)}/users/${user.id}`).json(user);
  });
  router.get('/realms/:realm/users/:id', async (req, res) => {
    const user = await (await realmServices(req, res)).users.get(String(req.params.id));
    if (!user) throw problems.notFound('user');
    res.json(user);
  });

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

  router.use(() => {
    throw problems.notFound('route');
  });
  return router;
}
