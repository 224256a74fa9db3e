// Least privilege on the management API: the table of every route and the scope it needs is
// read from the router itself, so a new route must appear here with its scope or this fails
// (and a route without any scope stops the server at start-up). Each route refuses a key
// lacking its scope with 403 insufficient_scope naming it (RFC 6750 §3.1), and lets through a
// key holding only that scope. Expired and revoked keys are 401; a key hands out no scope it lacks.
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiScopeTable, apiRoutes } from '../../src/api/api.routes.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../src/modules/api-keys/api-key-scopes.js';
import { buildRealm } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { bearer, buildDeveloper, expectProblem } from './support.js';

const gh = useGatehouse();
const actor = { actor: 'test' };

const EXPECTED: Record<string, ApiKeyScope | 'any-key'> = {
  'GET /me': 'any-key',
  'GET /api-keys': 'api-keys:read',
  'POST /api-keys': 'api-keys:write',
  'DELETE /api-keys/:prefix': 'api-keys:write',
  'GET /realms/:realm/api-keys': 'api-keys:read',
  'POST /realms/:realm/api-keys': 'api-keys:write',
  'DELETE /realms/:realm/api-keys/:prefix': 'api-keys:write',
  'GET /realms': 'realms:read',
  'POST /realms': 'realms:write',
  'GET /realms/:realm': 'realms:read',
  'PATCH /realms/:realm': 'realms:write',
  'DELETE /realms/:realm': 'realms:write',
  'GET /realms/:realm/apps': 'apps:read',
  'POST /realms/:realm/apps': 'apps:write',
  'GET /realms/:realm/apps/:id': 'apps:read',
  'PATCH /realms/:realm/apps/:id': 'apps:write',
  'DELETE /realms/:realm/apps/:id': 'apps:write',
  'POST /realms/:realm/apps/:id/secret': 'apps:write',
  'GET /realms/:realm/users': 'users:read',
  'POST /realms/:realm/users': 'users:write',
  'GET /realms/:realm/users/:id': 'users:read',
  'PATCH /realms/:realm/users/:id': 'users:write',
  'DELETE /realms/:realm/users/:id': 'users:write',
  'POST /realms/:realm/users/:id/password': 'users:write',
  'POST /realms/:realm/users/:id/sessions/revoke': 'users:write',
  'POST /realms/:realm/users/:id/password-setup': 'users:write',
  'GET /realms/:realm/users/:id/factors': 'users:read',
  'DELETE /realms/:realm/users/:id/factors/passkey/:passkeyId': 'users:write',
  'DELETE /realms/:realm/users/:id/factors/:type': 'users:write',
  'DELETE /realms/:realm/users/:id/factors': 'users:write',
  'GET /realms/:realm/resources': 'resources:read',
  'POST /realms/:realm/resources': 'resources:write',
  'GET /realms/:realm/resources/:id': 'resources:read',
  'DELETE /realms/:realm/resources/:id': 'resources:write',
  'GET /realms/:realm/signing-keys': 'keys:read',
  'POST /realms/:realm/signing-keys/rotate': 'keys:write',
  'GET /realms/:realm/audit-events': 'audit:read',
  'POST /realms/:realm/auth/sign-up': 'auth:direct',
  'POST /realms/:realm/auth/sign-in': 'auth:direct',
  'POST /realms/:realm/auth/magic-links': 'auth:direct',
  'POST /realms/:realm/auth/magic-links/exchange': 'auth:direct',
  'POST /realms/:realm/auth/password-resets': 'auth:direct',
  'POST /realms/:realm/users/:id/email-verifications': 'users:write',
};

let dev: Awaited<ReturnType<typeof buildDeveloper>>;
let realmName: string;
/** The route sweep calls every route with keys that pass its scope check, DELETE /realms/:realm included: its own realm. */
let sweepRealm: string;
const keyWith = async (scopes: readonly ApiKeyScope[], extra: { expiresAt?: Date } = {}) => {
  const admin = await gh().services.realms.ensureAdminRealm();
  return (await gh().services.apiKeys.create({ kind: 'platform', ownerId: dev.user.id, adminRealmId: admin.id, name: 'scoped', scopes, ...extra }, actor)).key;
};

beforeAll(async () => {
  dev = await buildDeveloper(gh());
  realmName = (await buildRealm(gh(), { ownerId: dev.user.id })).name;
  sweepRealm = (await buildRealm(gh(), { ownerId: dev.user.id })).name;
});

const api = () => request(gh().url);
const urlOf = (path: string) =>
  `/api/v1${path.replace(':realm', sweepRealm).replace(':prefix', 'gh_pk_nonexistent00').replace(':type', 'totp').replace(':id', '00000000-0000-4000-8000-000000000000')}`;
const send = (method: string, path: string, key: string) => {
  const req = api()[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](urlOf(path)).set(bearer(key));
  return method === 'GET' ? req : req.send({});
};

describe('scopes on every route', () => {
  it('the router declares exactly the scope table (a new route must be added here, with its scope)', () => {
    const router = apiRoutes({ ...gh(), views: {}, passwords: {}, throttle: {} } as never);
    const table = Object.fromEntries(apiScopeTable(router).map((e) => [`${e.method} ${e.path}`, e.scope]));
    expect(table).toEqual(EXPECTED);
  });

  it('every route refuses a key without its scope (403 insufficient_scope naming it) and admits one holding only that scope', { timeout: 120_000 }, async () => {
    const without = new Map<ApiKeyScope, string>();
    const only = new Map<ApiKeyScope, string>();
    for (const scope of API_KEY_SCOPES) {
      without.set(scope, await keyWith(API_KEY_SCOPES.filter((s) => s !== scope)));
      only.set(scope, await keyWith([scope]));
    }
    for (const [route, scope] of Object.entries(EXPECTED)) {
      if (scope === 'any-key') continue;
      const [method, path] = route.split(' ') as [string, string];
      const refused = await send(method, path, without.get(scope)!);
      const body = expectProblem(refused, 403, 'insufficient_scope');
      expect(body.detail, route).toContain(scope);
      expect(refused.headers['www-authenticate'], route).toBe(`Bearer realm="gatehouse-api", error="insufficient_scope", scope="${scope}"`);
      const admitted = await send(method, path, only.get(scope)!);
      expect({ route, code: admitted.body?.code }).not.toEqual({ route, code: 'insufficient_scope' });
    }
  });

  it('a read-only key reads but cannot change', async () => {
    const key = await keyWith(['realms:read', 'apps:read']);
    expect((await api().get(`/api/v1/realms/${realmName}`).set(bearer(key))).status).toBe(200);
    expect((await api().get(`/api/v1/realms/${realmName}/apps`).set(bearer(key))).status).toBe(200);
    expectProblem(await api().patch(`/api/v1/realms/${realmName}`).set(bearer(key)).send({ displayName: 'Nope' }), 403, 'insufficient_scope');
    expect((await api().get(`/api/v1/realms/${realmName}`).set(bearer(dev.key))).body.displayName).not.toBe('Nope');
  });
});

describe('API keys: /me, create, list, revoke, expiry', () => {
  it('GET /me tells the key its kind, prefix, scopes and owner or realm', async () => {
    const key = await keyWith(['audit:read']);
    const me = await api().get('/api/v1/me').set(bearer(key));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ kind: 'platform', prefix: key.slice(0, 18), scopes: ['audit:read'], expiresAt: null, ownerId: dev.user.id });
    const realmKey = (await api().post(`/api/v1/realms/${realmName}/api-keys`).set(bearer(dev.key)).send({ name: 'ci', scopes: ['users:read'] })).body;
    const meRealm = await api().get('/api/v1/me').set(bearer(realmKey.key));
    expect(meRealm.body).toMatchObject({ kind: 'realm', prefix: realmKey.prefix, scopes: ['users:read'], realm: { name: realmName } });
  });

  it('creates a key shown once, lists it by prefix without the secret, and a revoked key is 401', async () => {
    const created = await api().post('/api/v1/api-keys').set(bearer(dev.key)).send({ name: 'deploy', scopes: ['realms:read'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'platform', name: 'deploy', scopes: ['realms:read'], lastUsedAt: null, expiresAt: null });
    expect(created.body.key).toMatch(new RegExp(`^${created.body.prefix}_`));
    expect((await api().get('/api/v1/realms').set(bearer(created.body.key))).status).toBe(200);

    const list = await api().get('/api/v1/api-keys').query({ limit: 200 }).set(bearer(dev.key));
    const listed = list.body.data.find((k: { prefix: string }) => k.prefix === created.body.prefix);
    expect(listed).toMatchObject({ name: 'deploy', scopes: ['realms:read'], createdAt: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(list.body.data.every((k: Record<string, unknown>) => !('key' in k) && !('hash' in k))).toBe(true);

    expect((await api().delete(`/api/v1/api-keys/${created.body.prefix}`).set(bearer(dev.key))).status).toBe(204);
    const refused = await api().get('/api/v1/realms').set(bearer(created.body.key));
    expectProblem(refused, 401, 'unauthenticated');
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="gatehouse-api", error="invalid_token"');
    expectProblem(await api().delete(`/api/v1/api-keys/${created.body.prefix}`).set(bearer(dev.key)), 404, 'not_found');
    const events = await gh().services.forRealm(await gh().services.realms.ensureAdminRealm()).auditQuery.list({ target: `api-key:${created.body.prefix}`, limit: 10 });
    expect(events.events.map((e) => [e.action, e.actor])).toEqual([['api_key.revoked', `api-key:${dev.apiKey.prefix}`], ['api_key.created', `api-key:${dev.apiKey.prefix}`]]);
  });

  it('an expired key is 401; expiry must be in the future and within a year', async () => {
    const key = await keyWith(['realms:read'], { expiresAt: new Date(Date.now() + 60_000) });
    expect((await api().get('/api/v1/realms').set(bearer(key))).status).toBe(200);
    const prefix = key.slice(0, 18);
    await gh().prisma.apiKey.update({ where: { prefix }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expectProblem(await api().get('/api/v1/realms').set(bearer(key)), 401, 'unauthenticated');
    for (const expiresAt of [new Date(Date.now() - 1000).toISOString(), new Date(Date.now() + 400 * 86400_000).toISOString(), 'tomorrow']) {
      const body = expectProblem(await api().post('/api/v1/api-keys').set(bearer(dev.key)).send({ name: 'x', expiresAt }), 400, 'validation_failed');
      expect(body.errors.map((e) => e.path)).toEqual(['expiresAt']);
    }
    const ok = await api().post('/api/v1/api-keys').set(bearer(dev.key)).send({ name: 'x', expiresAt: new Date(Date.now() + 86400_000).toISOString() });
    expect(ok.status).toBe(201);
    expect(Date.parse(ok.body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('a key cannot hand out a scope it lacks, nor an unknown one', async () => {
    const key = await keyWith(['api-keys:write', 'realms:read']);
    const body = expectProblem(await api().post('/api/v1/api-keys').set(bearer(key)).send({ name: 'up', scopes: ['realms:write'] }), 403, 'insufficient_scope');
    expect(body.detail).toContain('realms:write');
    expectProblem(await api().post('/api/v1/api-keys').set(bearer(key)).send({ name: 'up', scopes: ['everything'] }), 400, 'validation_failed');
    const same = await api().post('/api/v1/api-keys').set(bearer(key)).send({ name: 'same' });
    expect(same.body.scopes.sort()).toEqual(['api-keys:write', 'realms:read']);
  });

  it('realm keys manage only their realm\'s keys, never platform keys or another realm\'s', async () => {
    const other = await buildRealm(gh(), { ownerId: dev.user.id });
    const realmKey = (await api().post(`/api/v1/realms/${realmName}/api-keys`).set(bearer(dev.key)).send({ name: 'rk' })).body;
    expectProblem(await api().get('/api/v1/api-keys').set(bearer(realmKey.key)), 403, 'forbidden');
    expectProblem(await api().get(`/api/v1/realms/${other.name}/api-keys`).set(bearer(realmKey.key)), 404, 'not_found');
    const own = await api().get(`/api/v1/realms/${realmName}/api-keys`).set(bearer(realmKey.key));
    expect(own.body.data.map((k: { prefix: string }) => k.prefix)).toContain(realmKey.prefix);
    const otherKey = (await api().post(`/api/v1/realms/${other.name}/api-keys`).set(bearer(dev.key)).send({ name: 'rk2' })).body;
    expectProblem(await api().delete(`/api/v1/realms/${realmName}/api-keys/${otherKey.prefix}`).set(bearer(realmKey.key)), 404, 'not_found');
    expect((await api().get('/api/v1/me').set(bearer(otherKey.key))).status).toBe(200);
  });

  it("a platform key of developer B never sees developer A's realms or keys", async () => {
    const b = await buildDeveloper(gh());
    const realms = await api().get('/api/v1/realms').query({ limit: 200 }).set(bearer(b.key));
    expect(realms.body.data.map((r: { name: string }) => r.name)).not.toContain(realmName);
    expectProblem(await api().get(`/api/v1/realms/${realmName}/api-keys`).set(bearer(b.key)), 404, 'not_found');
    expectProblem(await api().delete(`/api/v1/realms/${realmName}`).set(bearer(b.key)), 404, 'not_found');
    expectProblem(await api().delete(`/api/v1/api-keys/${dev.apiKey.prefix}`).set(bearer(b.key)), 404, 'not_found');
    expect((await api().get('/api/v1/me').set(bearer(dev.key))).status).toBe(200);
  });
});
