// API keys over the API, and GET /me (which key is this). A developer's platform keys live at
// /api/v1/api-keys (platform keys only); a realm's keys at /api/v1/realms/{realm}/api-keys
// (its owner's platform keys, or the realm's own keys). Created keys are shown once; lists show
// the prefix, never the secret. A key can only hand out scopes it holds itself, so no key makes
// a stronger one (least privilege, no escalation).
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { pageQueryFields } from '../http/pagination.js';
import { problems } from '../http/problem.js';
import { parseOrThrow, text } from '../http/validate.js';
import { API_KEY_SCOPES } from '../modules/api-keys/api-key-scopes.js';
import type { KeyOwner, Principal } from '../modules/api-keys/api-keys.service.js';
import { ADMIN_REALM } from '../realms/realm-scope.js';
import { principalOf } from './api-auth.js';
import type { ApiContext } from './api-context.js';
import { ANY_KEY, insufficientScope, needs } from './require-scope.js';

/** Longest life a key can be given: a year (rotate keys; use no expiry only where needed). */
const MAX_KEY_LIFETIME_MS = 366 * 24 * 3600 * 1000;

export const createKeySchema = z.object({
  name: text().trim().min(1).max(100),
  /** Default: every scope the calling key holds. */
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length).optional(),
  expiresAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s))
    .refine((d) => d.getTime() > Date.now(), 'must be in the future')
    .refine((d) => d.getTime() <= Date.now() + MAX_KEY_LIFETIME_MS, 'must be within a year')
    .optional(),
}).strict();

const pageQuery = z.object(pageQueryFields);

/** The scopes asked for, if the calling key holds every one of them (403 naming the first it lacks). */
function grantable(caller: Principal, asked: readonly (typeof API_KEY_SCOPES)[number][] | undefined) {
  const scopes = asked ?? caller.scopes;
  const missing = scopes.find((s) => !caller.scopes.includes(s));
  if (missing) throw insufficientScope(missing);
  return scopes;
}

export function apiKeysRoutes(router: Router, { services, actor, realm }: ApiContext): void {
  const { apiKeys } = services;

  router.get('/me', needs(ANY_KEY), async (_req, res) => {
    const p = principalOf(res);
    const base = { kind: p.kind, prefix: p.prefix, scopes: p.scopes, expiresAt: p.expiresAt?.toISOString() ?? null };
    if (p.kind === 'platform') return void res.json({ ...base, ownerId: p.ownerId });
    const [own] = await services.realms.listByIds([p.realmId]);
    res.json({ ...base, realm: own ? { id: own.id, name: own.name } : null });
  });

  /** The developer behind a platform key; realm keys manage only their realm's keys. */
  const platformOwner = (res: Response): Extract<KeyOwner, { kind: 'platform' }> => {
    const p = principalOf(res);
    if (p.kind !== 'platform') throw problems.forbidden('Only platform API keys manage platform keys; use /api/v1/realms/{realm}/api-keys.');
    return { kind: 'platform', ownerId: p.ownerId };
  };
  const realmOwner = async (req: Request, res: Response): Promise<{ owner: KeyOwner; realmId: string }> => {
    const r = await realm(req, res);
    if (r.name === ADMIN_REALM) throw problems.notFound('realm');
    return { owner: { kind: 'realm', realmId: r.id }, realmId: r.id };
  };

  router.get('/api-keys', needs('api-keys:read'), async (req, res) => {
    res.json(await apiKeys.list(platformOwner(res), parseOrThrow(pageQuery, req.query)));
  });
  router.post('/api-keys', needs('api-keys:write'), async (req, res) => {
    const owner = platformOwner(res);
    const body = parseOrThrow(createKeySchema, req.body);
    const scopes = grantable(principalOf(res), body.scopes);
    const admin = await services.realms.ensureAdminRealm();
    const created = await apiKeys.create({ kind: 'platform', ownerId: owner.ownerId, adminRealmId: admin.id, name: body.name, scopes, expiresAt: body.expiresAt }, actor(req, res));
    res.status(201).json({ ...created.apiKey, key: created.key });
  });
  router.delete('/api-keys/:prefix', needs('api-keys:write'), async (req, res) => {
    if (!(await apiKeys.revoke(platformOwner(res), String(req.params.prefix), actor(req, res)))) throw problems.notFound('API key');
    res.status(204).end();
  });

  router.get('/realms/:realm/api-keys', needs('api-keys:read'), async (req, res) => {
    const { owner } = await realmOwner(req, res);
    res.json(await apiKeys.list(owner, parseOrThrow(pageQuery, req.query)));
  });
  router.post('/realms/:realm/api-keys', needs('api-keys:write'), async (req, res) => {
    const { realmId } = await realmOwner(req, res);
    const body = parseOrThrow(createKeySchema, req.body);
    const scopes = grantable(principalOf(res), body.scopes);
    const created = await apiKeys.create({ kind: 'realm', realmId, name: body.name, scopes, expiresAt: body.expiresAt }, actor(req, res));
    res.status(201).json({ ...created.apiKey, key: created.key });
  });
  router.delete('/realms/:realm/api-keys/:prefix', needs('api-keys:write'), async (req, res) => {
    const { owner } = await realmOwner(req, res);
    if (!(await apiKeys.revoke(owner, String(req.params.prefix), actor(req, res)))) throw problems.notFound('API key');
    res.status(204).end();
  });
}
