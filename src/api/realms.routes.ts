// /api/v1/realms: list (searchable, paged by name), create (platform keys), read, change,
// delete (platform keys; every token of the realm stops working, its issuer answers 404).
import type { Router } from 'express';
import { z } from 'zod';
import { pageQueryFields } from '../http/pagination.js';
import { problems } from '../http/problem.js';
import { parseOrThrow, text } from '../http/validate.js';
import { principalOf } from './api-auth.js';
import type { ApiContext } from './api-context.js';
import { needs } from './require-scope.js';

export const listRealmsQuery = z.object({ ...pageQueryFields, q: text().trim().min(1).max(100).optional() });

export function realmsRoutes(router: Router, { services, actor, realm }: ApiContext): void {
  const view = services.realms.view;

  router.get('/realms', needs('realms:read'), async (req, res) => {
    const query = parseOrThrow(listRealmsQuery, req.query);
    const p = principalOf(res);
    if (p.kind === 'platform') return void res.json(await services.realms.page(p.ownerId, query));
    // A realm key reaches one realm: a page of at most that one.
    const own = (await services.realms.listByIds([p.realmId])).filter((r) => !query.cursor && (!query.q || `${r.name} ${r.displayName}`.toLowerCase().includes(query.q.toLowerCase())));
    res.json({ data: own.map(view) });
  });

  router.post('/realms', needs('realms:write'), async (req, res) => {
    const p = principalOf(res);
    if (p.kind !== 'platform') throw problems.forbidden('Only platform API keys can create realms.');
    const created = await services.realms.create(req.body, p.ownerId, actor(req, res));
    res.status(201).location(`/api/v1/realms/${created.name}`).json(view(created));
  });

  router.get('/realms/:realm', needs('realms:read'), async (req, res) => {
    res.json(view(await realm(req, res)));
  });
  router.patch('/realms/:realm', needs('realms:write'), async (req, res) => {
    res.json(view(await services.realms.update(await realm(req, res), req.body, actor(req, res))));
  });
  router.delete('/realms/:realm', needs('realms:write'), async (req, res) => {
    const target = await realm(req, res);
    if (principalOf(res).kind !== 'platform') throw problems.forbidden('Only platform API keys can delete realms.');
    await services.realms.remove(target, actor(req, res));
    res.status(204).end();
  });
}
