// API keys in the console: the developer's platform keys (/console/api-keys: every realm they
// own) and a realm's own keys (/console/realms/:name/api-keys: that realm only). Create with a
// name, scopes (least privilege: none ticked by default) and an optional expiry, shown once; list
// by prefix with last use; revoke. The API keys service stores only each key's hash and audits
// (platform keys in the admin realm, realm keys in their realm), as /api/v1/.../api-keys does.
import { Router, type Request, type Response } from 'express';
import { API_KEY_SCOPES, isApiKeyScope } from '../modules/api-keys/api-key-scopes.js';
import type { KeyOwner, NewKeyOwner } from '../modules/api-keys/api-keys.service.js';
import { attempt, consoleOf, field, queryParam, type ConsoleKit } from './console-kit.js';
import type { ConsoleSetup } from './console-setup.js';
import { ownedOf } from './owned-realm.js';

/** The API's longest key lifetime (src/api/api-keys.routes.ts: within a year). */
const MAX_EXPIRY_DAYS = 366;

/** Where a key page lives and whose keys it shows. */
interface KeyHolder {
  owner(res: Response): KeyOwner;
  newKey(res: Response): Promise<NewKeyOwner>;
  /** The keys page's path, and what the view shows around it (realm navigation, the sentence on what the keys reach). */
  page(res: Response): { path: string; data: Record<string, unknown> };
}

function keyPages(kit: ConsoleKit, holder: KeyHolder): Router {
  const router = Router({ mergeParams: true });
  const show = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const { path, data } = holder.page(res);
    const cursor = queryParam(req, 'cursor', 512);
    const page = await attempt(() => kit.services.apiKeys.list(holder.owner(res), { limit: 50, cursor: cursor || undefined }));
    const next = page.ok && page.value.nextCursor ? `${path}?${new URLSearchParams({ cursor: page.value.nextCursor })}` : undefined;
    kit.page(res, 'api-keys', { title: 'API keys', ...data, keysPath: path, keys: page.ok ? page.value.data : [], next, scopes: API_KEY_SCOPES, maxExpiryDays: MAX_EXPIRY_DAYS, errors: page.ok ? [] : page.messages, notice: queryParam(req, 'notice'), ...extra }, page.ok ? status : page.status);
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
    const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000) : null;
    const created = await kit.services.apiKeys.create({ ...(await holder.newKey(res)), name, scopes, expiresAt }, kit.actor(req, res));
    await show(req, res, { createdKey: created.key, createdName: name }, 201);
  });
  router.post('/api-keys/:prefix/revoke', kit.form, kit.csrf, async (req, res) => {
    const revoked = await kit.services.apiKeys.revoke(holder.owner(res), String(req.params.prefix).slice(0, 100), kit.actor(req, res));
    res.redirect(303, `${holder.page(res).path}?notice=${encodeURIComponent(revoked ? 'Key revoked: it no longer works.' : 'No such live key.')}`);
  });
  return router;
}

/** /console/api-keys: platform keys, acting on every realm the developer owns. */
export function apiKeysArea(kit: ConsoleKit, setup: ConsoleSetup): Router {
  return keyPages(kit, {
    owner: (res) => ({ kind: 'platform', ownerId: consoleOf(res).developer.id }),
    newKey: async (res) => ({ kind: 'platform', ownerId: consoleOf(res).developer.id, adminRealmId: (await setup.adminRealm()).id }),
    page: () => ({ path: '/console/api-keys', data: {} }),
  });
}

/** /console/realms/:name/api-keys: keys of one realm, which reach nothing else. */
export function realmApiKeysArea(kit: ConsoleKit): Router {
  return keyPages(kit, {
    owner: (res) => ({ kind: 'realm', realmId: ownedOf(res).realm.id }),
    newKey: async (res) => ({ kind: 'realm', realmId: ownedOf(res).realm.id }),
    page: (res) => {
      const { base, realm } = ownedOf(res);
      return { path: `${base}/api-keys`, data: { title: `API keys of ${realm.displayName}`, base, realmLabel: realm.displayName, realmName: realm.name } };
    },
  });
}
