// /api/v1/realms/{realm}/resources: the APIs (RFC 8707 resource indicators) the realm issues JWT access tokens for.
import type { Request, Router } from 'express';
import { z } from 'zod';
import { pageQueryFields } from '../http/pagination.js';
import { problems } from '../http/problem.js';
import { parseOrThrow } from '../http/validate.js';
import type { ApiContext } from './api-context.js';
import { needs } from './require-scope.js';

const pageQuery = z.object(pageQueryFields);

export function resourcesRoutes(router: Router, { actor, realmServices }: ApiContext): void {
  const base = '/realms/:realm/resources';
  const id = (req: Request) => String(req.params.id);

  router.get(base, needs('resources:read'), async (req, res) => {
    res.json(await (await realmServices(req, res)).apiResources.page(parseOrThrow(pageQuery, req.query)));
  });
  router.post(base, needs('resources:write'), async (req, res) => {
    const resource = await (await realmServices(req, res)).apiResources.create(req.body, actor(req, res));
    res.status(201).location(`/api/v1/realms/${String(req.params.realm)}/resources/${resource.id}`).json(resource);
  });
  router.get(`${base}/:id`, needs('resources:read'), async (req, res) => {
    const resource = await (await realmServices(req, res)).apiResources.get(id(req));
    if (!resource) throw problems.notFound('API resource');
    res.json(resource);
  });
  router.delete(`${base}/:id`, needs('resources:write'), async (req, res) => {
    if (!(await (await realmServices(req, res)).apiResources.remove(id(req), actor(req, res)))) throw problems.notFound('API resource');
    res.status(204).end();
  });
}
