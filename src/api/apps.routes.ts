// /api/v1/realms/{realm}/apps: list, create (a confidential app's secret shown once), read,
// change, delete, and rotate the secret with a grace period for the old one.
import type { Request, Router } from 'express';
import { z } from 'zod';
import { pageQueryFields } from '../http/pagination.js';
import { problems } from '../http/problem.js';
import { parseOrThrow } from '../http/validate.js';
import type { ApiContext } from './api-context.js';
import { needs } from './require-scope.js';

const pageQuery = z.object(pageQueryFields);

export function appsRoutes(router: Router, { actor, realmServices }: ApiContext): void {
  const base = '/realms/:realm/apps';
  const id = (req: Request) => String(req.params.id);

  router.get(base, needs('apps:read'), async (req, res) => {
    const query = parseOrThrow(pageQuery, req.query);
    res.json(await (await realmServices(req, res)).apps.page(query));
  });
  router.post(base, needs('apps:write'), async (req, res) => {
    const { app, clientSecret } = await (await realmServices(req, res)).apps.create(req.body, actor(req, res));
    res.status(201).location(`/api/v1/realms/${String(req.params.realm)}/apps/${app.id}`).json({ ...app, ...(clientSecret ? { clientSecret } : {}) });
  });
  router.get(`${base}/:id`, needs('apps:read'), async (req, res) => {
    const app = await (await realmServices(req, res)).apps.get(id(req));
    if (!app) throw problems.notFound('app');
    res.json(app);
  });
  router.patch(`${base}/:id`, needs('apps:write'), async (req, res) => {
    const app = await (await realmServices(req, res)).apps.update(id(req), req.body, actor(req, res));
    if (!app) throw problems.notFound('app');
    res.json(app);
  });
  router.delete(`${base}/:id`, needs('apps:write'), async (req, res) => {
    if (!(await (await realmServices(req, res)).apps.remove(id(req), actor(req, res)))) throw problems.notFound('app');
    res.status(204).end();
  });
  // A new secret, shown once; the old one works until previousSecretExpiresAt (graceSeconds, default 24 h, at most 30 days; 0: now).
  router.post(`${base}/:id/secret`, needs('apps:write'), async (req, res) => {
    const rotated = await (await realmServices(req, res)).apps.rotateSecret(id(req), req.body, actor(req, res));
    if (!rotated) throw problems.notFound('app');
    res.json({ ...rotated.app, clientSecret: rotated.clientSecret, previousSecretExpiresAt: rotated.previousSecretExpiresAt });
  });
}
