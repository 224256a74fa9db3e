// The developer's platform API keys (/console/api-keys): create with a name, scopes (least
// privilege: none ticked by default) and an optional expiry, shown once; list by prefix with
// last use; revoke. The API keys service stores only each key's hash and audits in the admin realm.
import { Router, type Request, type Response } from 'express';
import { API_KEY_SCOPES, isApiKeyScope } from '../modules/api-keys/api-key-scopes.js';
import type { KeyOwner } from '../modules/api-keys/api-keys.service.js';
import { attempt, consoleOf, field, queryParam, type ConsoleKit } from './console-kit.js';
import type { ConsoleSetup } from './console-setup.js';

const MAX_EXPIRY_DAYS = 3650;

export function apiKeysArea(kit: ConsoleKit, setup: ConsoleSetup): Router {
  const router = Router();
  const owner = (res: Response): KeyOwner => ({ kind: 'platform', ownerId: consoleOf(res).developer.id });
  const show = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const cursor = queryParam(req, 'cursor', 512);
    const page = await attempt(() => kit.services.apiKeys.list(owner(res), { limit: 50, cursor: cursor || undefined }));
    const next = page.ok && page.value.nextCursor ? `/console/api-keys?${new URLSearchParams({ cursor: page.value.nextCursor })}` : undefined;
    kit.page(res, 'api-keys', { title: 'API keys', keys: page.ok ? page.value.data : [], next, scopes: API_KEY_SCOPES, errors: page.ok ? [] : page.messages, notice: queryParam(req, 'notice'), ...extra }, page.ok ? status : page.status);
  };

  router.get('/api-keys', (req, res) => show(req, res));
  router.post('/api-keys', kit.form, kit.csrf, async (req, res) => {
    const name = field(req, 'name');
    const raw = (req.body as Record<string, unknown>).scopes;
    const scopes = (Array.isArray(raw) ? raw : [raw]).filter((s): s is string => typeof s === 'string').filter(isApiKeyScope);
    const days = field(req, 'expiresInDays');
    const errors = [
      ...(!name || name.length > 100 ? ['name: give the key a name (at most 100 characters)'] : []),
      ...(!scopes.length ? ['scopes: tick at least one scope'] : []),
      ...(days && !(/^\d{1,4}$/.test(days) && Number(days) >= 1 && Number(days) <= MAX_EXPIRY_DAYS) ? [`expiresInDays: a whole number of days from 1 to ${MAX_EXPIRY_DAYS}`] : []),
    ];
    if (errors.length) return show(req, res, { errors }, 400);
    const admin = await setup.adminRealm();
    const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000) : null;
    const created = await kit.services.apiKeys.create({ kind: 'platform', ownerId: consoleOf(res).developer.id, adminRealmId: admin.id, name, scopes, expiresAt }, kit.actor(req, res));
    await show(req, res, { createdKey: created.key, createdName: name }, 201);
  });
  router.post('/api-keys/:prefix/revoke', kit.form, kit.csrf, async (req, res) => {
    const revoked = await kit.services.apiKeys.revoke(owner(res), String(req.params.prefix).slice(0, 100), kit.actor(req, res));
    res.redirect(303, `/console/api-keys?notice=${encodeURIComponent(revoked ? 'Key revoked: it no longer works.' : 'No such live key.')}`);
  });
  return router;
}
