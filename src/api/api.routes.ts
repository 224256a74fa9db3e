// /api/v1: the management REST API. JSON in and out; errors are application/problem+json.
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { problems } from '../http/problem.js';
import { parseOrThrow } from '../http/validate.js';
import { actorFromRequest } from '../modules/audit/actor.js';
import type { ProviderPool } from '../realms/provider-pool.js';
import { actorName, apiAuth, authorizedRealm, principalOf } from './api-auth.js';

const createRealmSchema = z.object({ name: z.string().min(1).max(63), displayName: z.string().trim().min(1).max(200).optional() }).strict();
const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.uuid().optional() });

export function apiRoutes({ config, services }: AppDeps & { pool: ProviderPool }): Router {
  const router = Router();
  router.use(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  router.use((req, _res, next) => {
    // A body in any other format is a client error, not something to guess at.
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && req.headers['content-length'] !== '0' && !req.is(['application/json', 'application/*+json'])) {
      throw problems.unsupportedMediaType();
    }
    next();
  });
  router.use(apiAuth(services));

  const actor = (req: Request, res: Response) => actorFromRequest(req, actorName(principalOf(res)));
  const realmServices = async (req: Request, res: Response) => services.forRealm(await authorizedRealm(services, principalOf(res), String(req.params.realm)));
  const view = (r: { id: string; name: string; displayName: string; createdAt: Date }) => ({
    id: r.id, name: r.name, displayName: r.displayName, issuer: `${config.baseUrl}/realms/${r.name}`, createdAt: r.createdAt.toISOString(),
  });

  router.get('/realms', async (_req, res) => {
    const p = principalOf(res);
    const realms = p.kind === 'platform' ? await services.realms.list(p.ownerId) : await services.realms.listByIds([p.realmId]);
    res.json({ data: realms.map(view) });
  });

  router.post('/realms', async (req, res) => {
    const p = principalOf(res);
    if (p.kind !== 'platform') throw problems.forbidden('Only platform API keys can create realms.');
    const body = parseOrThrow(createRealmSchema, req.body);
    const realm = await services.realms.create({ ...body, ownerId: p.ownerId }, actor(req, res));
    res.status(201).location(`/api/v1/realms/${realm.name}`).json(view(realm));
  });

  router.get('/realms/:realm', async (req, res) => {
    res.json(view(await authorizedRealm(services, principalOf(res), String(req.params.realm))));
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

  router.use(() => {
    throw problems.notFound('route');
  });
  return router;
}
