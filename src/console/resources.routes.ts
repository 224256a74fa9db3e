// API resources of a realm in the console (RFC 8707 resource indicators): list, register one
// (identifier, name, scopes, optional token lifetime), delete. Registering one makes the realm
// issue RFC 9068 JWT access tokens for it; deleting takes it out of every app's API access. The
// API resources service validates (the same schema as POST /api/v1/realms/{realm}/resources),
// announces the change to every instance and audits with the developer as actor.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { attempt, field, queryParam, type ConsoleKit } from './console-kit.js';
import { ownedOf } from './owned-realm.js';

const PAGE_SIZE = 50;
const isId = (id: string) => z.guid().safeParse(id).success;

export function resourcesArea(kit: ConsoleKit): Router {
  const router = Router({ mergeParams: true });

  const show = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const { rs, base, realm } = ownedOf(res);
    const cursor = queryParam(req, 'cursor', 512);
    const page = await attempt(() => rs.apiResources.page({ limit: PAGE_SIZE, cursor: cursor || undefined }));
    const next = page.ok && page.value.nextCursor ? `${base}/resources?${new URLSearchParams({ cursor: page.value.nextCursor })}` : undefined;
    kit.page(res, 'resources', {
      title: `APIs of ${realm.displayName}`, base, realmLabel: realm.displayName, resources: page.ok ? page.value.data : [], next,
      values: {}, notice: queryParam(req, 'notice'), errors: page.ok ? [] : page.messages, ...extra,
    }, page.ok ? status : page.status);
  };

  router.get('/resources', (req, res) => show(req, res));
  router.post('/resources', kit.form, kit.csrf, async (req, res) => {
    const values = { identifier: field(req, 'identifier'), name: field(req, 'name'), scopes: field(req, 'scopes'), accessTokenTtl: field(req, 'accessTokenTtl') };
    const ttl = values.accessTokenTtl;
    const created = await attempt(() => ownedOf(res).rs.apiResources.create({
      identifier: values.identifier,
      name: values.name,
      scopes: values.scopes.split(/[\s,]+/).filter(Boolean),
      // Not a number: passed on as text, so the service names the field.
      ...(ttl ? { accessTokenTtl: (/^\d+$/.test(ttl) ? Number(ttl) : ttl) as number } : {}),
    }, kit.actor(req, res)));
    if (!created.ok) return show(req, res, { errors: created.messages, values }, created.status);
    res.redirect(303, `${ownedOf(res).base}/resources?notice=${encodeURIComponent(`API ${created.value.identifier} registered.`)}`);
  });
  router.post('/resources/:id/delete', kit.form, kit.csrf, async (req, res) => {
    const id = String(req.params.id);
    const removed = isId(id) && (await ownedOf(res).rs.apiResources.remove(id, kit.actor(req, res)));
    if (!removed) return kit.page(res, 'not-found', { title: 'Not found', message: 'This realm has no such API.' }, 404);
    res.redirect(303, `${ownedOf(res).base}/resources?notice=${encodeURIComponent('API deleted; apps no longer get tokens for it.')}`);
  });
  return router;
}
