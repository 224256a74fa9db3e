// Deleting, rotating and reading back through the management API: a deleted realm's tokens stop
// working and its issuer is gone; a deleted app's tokens are refused; a rotated secret's
// predecessor works through its grace and not after; signing keys list and rotate; the audit
// trail filters and pages, with the key as actor; realm lists search and page by name.
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { bearer, buildDeveloper, buildRealmKey, expectProblem } from './support.js';

const gh = useGatehouse();
let dev: Awaited<ReturnType<typeof buildDeveloper>>;
const api = () => request(gh().url);
beforeAll(async () => {
  dev = await buildDeveloper(gh());
});

async function newRealm(name = unique('life')) {
  const res = await api().post('/api/v1/realms').set(bearer(dev.key)).send({ name });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; issuer: string };
}
async function serviceApp(realm: string) {
  const res = await api().post(`/api/v1/realms/${realm}/apps`).set(bearer(dev.key)).send({ name: 'Worker', type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
  expect(res.status).toBe(201);
  return res.body as { id: string; clientId: string; clientSecret: string };
}
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const token = (realm: string, id: string, secret: string) =>
  fetch(`${gh().url}/realms/${realm}/token`, { method: 'POST', headers: { ...form, authorization: basic(id, secret) }, body: new URLSearchParams({ grant_type: 'client_credentials' }) });
const introspect = (realm: string, id: string, secret: string, value: string) =>
  fetch(`${gh().url}/realms/${realm}/token/introspection`, { method: 'POST', headers: { ...form, authorization: basic(id, secret) }, body: new URLSearchParams({ token: value }) });

/** Keys the artifact store holds for a realm (memory snapshot, or a Redis scan). */
async function storedKeysOf(realmId: string): Promise<number> {
  const store = gh().stores.artifacts as unknown as { snapshot?: () => Array<[string, unknown]> };
  if (store.snapshot) return store.snapshot().filter(([k]) => k.includes(`oidc:${realmId}:`)).length;
  const { Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL!, { protocol: 2 });
  try {
    let cursor = '0';
    let n = 0;
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `*oidc:${realmId}:*`, 'COUNT', 1000);
      n += batch.length;
      cursor = next;
    } while (cursor !== '0');
    return n;
  } finally {
    redis.disconnect();
  }
}

describe('DELETE /realms/{realm}', () => {
  it("revokes every token of the realm, removes its issuer and data, and is audited in the admin realm", async () => {
    const realm = await newRealm();
    const app = await serviceApp(realm.name);
    const issued = (await (await token(realm.name, app.clientId, app.clientSecret)).json()) as { access_token: string };
    expect(((await (await introspect(realm.name, app.clientId, app.clientSecret, issued.access_token)).json()) as { active: boolean }).active).toBe(true);
    expect(await storedKeysOf(realm.id)).toBeGreaterThan(0);

    expect((await api().delete(`/api/v1/realms/${realm.name}`).set(bearer(dev.key))).status).toBe(204);
    expect(await storedKeysOf(realm.id)).toBe(0);
    expect((await fetch(`${realm.issuer}/.well-known/openid-configuration`)).status).toBe(404);
    expect((await introspect(realm.name, app.clientId, app.clientSecret, issued.access_token)).status).toBe(404);
    expectProblem(await api().get(`/api/v1/realms/${realm.name}`).set(bearer(dev.key)), 404, 'not_found');
    expect(await gh().prisma.app.count({ where: { realmId: realm.id } })).toBe(0);

    // A new realm of the same name knows nothing of the old one's tokens.
    const again = await newRealm(realm.name);
    const fresh = await serviceApp(again.name);
    expect(((await (await introspect(again.name, fresh.clientId, fresh.clientSecret, issued.access_token)).json()) as { active: boolean }).active).toBe(false);

    const admin = gh().services.forRealm(await gh().services.realms.ensureAdminRealm());
    const events = await admin.auditQuery.list({ action: 'realm.deleted', target: `realm:${realm.name}`, limit: 5 });
    expect(events.events.map((e) => [e.actor, e.data])).toEqual([[`api-key:${dev.apiKey.prefix}`, { realmId: realm.id }]]);
  });

  it('refuses realm keys and the admin realm, and deletes nothing then', async () => {
    const realm = await newRealm();
    const realmRow = (await gh().services.realms.findByName(realm.name))!;
    const { key } = await buildRealmKey(gh(), realmRow);
    expectProblem(await api().delete(`/api/v1/realms/${realm.name}`).set(bearer(key)), 403, 'forbidden');
    expect(await gh().services.realms.findByName(realm.name)).not.toBeNull();
    const admin = await gh().services.realms.ensureAdminRealm();
    await expect(gh().services.realms.remove(admin, { actor: 'test' })).rejects.toMatchObject({ status: 409, code: 'realm_protected' });
    expectProblem(await api().delete('/api/v1/realms/admin').set(bearer(dev.key)), 404, 'not_found');
  });
});

describe('DELETE apps and resources', () => {
  it("a deleted app gets no token, its tokens cannot be introspected, and the deletion is audited", async () => {
    const realm = await newRealm();
    const app = await serviceApp(realm.name);
    const issued = (await (await token(realm.name, app.clientId, app.clientSecret)).json()) as { access_token: string };
    expect((await api().delete(`/api/v1/realms/${realm.name}/apps/${app.id}`).set(bearer(dev.key))).status).toBe(204);
    expect((await token(realm.name, app.clientId, app.clientSecret)).status).toBe(401);
    expect(((await (await introspect(realm.name, app.clientId, app.clientSecret, issued.access_token)).json()) as { error?: string }).error).toBe('invalid_client');
    expectProblem(await api().get(`/api/v1/realms/${realm.name}/apps/${app.id}`).set(bearer(dev.key)), 404, 'not_found');
    expectProblem(await api().delete(`/api/v1/realms/${realm.name}/apps/${app.id}`).set(bearer(dev.key)), 404, 'not_found');
    const realmRow = (await gh().services.realms.findByName(realm.name))!;
    const trail = await gh().services.forRealm(realmRow).auditQuery.list({ action: 'app.deleted', limit: 5 });
    expect(trail.events.map((e) => [e.actor, e.target])).toEqual([[`api-key:${dev.apiKey.prefix}`, `app:${app.clientId}`]]);
  });

  it('deletes an API resource and takes it out of the apps given access to it', async () => {
    const realm = await newRealm();
    const resource = (await api().post(`/api/v1/realms/${realm.name}/resources`).set(bearer(dev.key)).send({ identifier: 'https://api.example.com', name: 'API', scopes: ['read'] })).body;
    const app = await serviceApp(realm.name);
    await api().patch(`/api/v1/realms/${realm.name}/apps/${app.id}`).set(bearer(dev.key)).send({ apiAccess: [{ resource: 'https://api.example.com', scopes: ['read'] }] }).expect(200);
    expect((await api().delete(`/api/v1/realms/${realm.name}/resources/${resource.id}`).set(bearer(dev.key))).status).toBe(204);
    expect((await api().get(`/api/v1/realms/${realm.name}/apps/${app.id}`).set(bearer(dev.key))).body.apiAccess).toEqual([]);
    expectProblem(await api().get(`/api/v1/realms/${realm.name}/resources/${resource.id}`).set(bearer(dev.key)), 404, 'not_found');
  });

  it("realm B's key never deletes realm A's app", async () => {
    const a = await newRealm();
    const b = await newRealm();
    const app = await serviceApp(a.name);
    const { key } = await buildRealmKey(gh(), (await gh().services.realms.findByName(b.name))!);
    expectProblem(await api().delete(`/api/v1/realms/${a.name}/apps/${app.id}`).set(bearer(key)), 404, 'not_found');
    expectProblem(await api().delete(`/api/v1/realms/${b.name}/apps/${app.id}`).set(bearer(key)), 404, 'not_found');
    expect((await token(a.name, app.clientId, app.clientSecret)).status).toBe(200);
  });
});

describe('POST /realms/{realm}/apps/{id}/secret', () => {
  it('returns a new secret once; old and new both work in the grace, only the new one after', async () => {
    const realm = await newRealm();
    const app = await serviceApp(realm.name);
    const rotated = await api().post(`/api/v1/realms/${realm.name}/apps/${app.id}/secret`).set(bearer(dev.key)).send({ graceSeconds: 3600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientSecret).toMatch(/^ghs_/);
    expect(rotated.body.clientSecret).not.toBe(app.clientSecret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(3500_000);
    expect((await token(realm.name, app.clientId, rotated.body.clientSecret)).status).toBe(200);
    expect((await token(realm.name, app.clientId, app.clientSecret)).status).toBe(200);
    expect((await token(realm.name, app.clientId, 'ghs_wrong')).status).toBe(401);
    expect(JSON.stringify((await api().get(`/api/v1/realms/${realm.name}/apps/${app.id}`).set(bearer(dev.key))).body)).not.toContain('ghs_');

    // The grace ends (set, not waited for): the old secret is refused, the new one works.
    await gh().prisma.app.update({ where: { id: app.id }, data: { previousSecretExpiresAt: new Date(Date.now() - 1000) } });
    await gh().services.realms.changed(realm.name);
    expect((await token(realm.name, app.clientId, app.clientSecret)).status).toBe(401);
    expect((await token(realm.name, app.clientId, rotated.body.clientSecret)).status).toBe(200);
  });

  it('grace 0 ends the old secret at once; more than 30 days, public apps and other realms are refused', async () => {
    const realm = await newRealm();
    const app = await serviceApp(realm.name);
    const now = await api().post(`/api/v1/realms/${realm.name}/apps/${app.id}/secret`).set(bearer(dev.key)).send({ graceSeconds: 0 });
    expect(now.body.previousSecretExpiresAt).toBeNull();
    expect((await token(realm.name, app.clientId, app.clientSecret)).status).toBe(401);
    expect((await token(realm.name, app.clientId, now.body.clientSecret)).status).toBe(200);
    const body = expectProblem(await api().post(`/api/v1/realms/${realm.name}/apps/${app.id}/secret`).set(bearer(dev.key)).send({ graceSeconds: 31 * 86400 }), 400, 'validation_failed');
    expect(body.errors.map((e) => e.path)).toEqual(['graceSeconds']);
    const spa = (await api().post(`/api/v1/realms/${realm.name}/apps`).set(bearer(dev.key)).send({ name: 'SPA', type: 'spa', redirectUris: ['http://localhost:3000/cb'] })).body;
    expectProblem(await api().post(`/api/v1/realms/${realm.name}/apps/${spa.id}/secret`).set(bearer(dev.key)).send({}), 409, 'app_has_no_secret');
    const other = await buildDeveloper(gh());
    expectProblem(await api().post(`/api/v1/realms/${realm.name}/apps/${app.id}/secret`).set(bearer(other.key)).send({}), 404, 'not_found');
    expect((await token(realm.name, app.clientId, now.body.clientSecret)).status).toBe(200);
  });
});

describe('signing keys over the API', () => {
  it('lists the published keys (no private parts) and rotates them', async () => {
    const realm = await newRealm();
    const before = await api().get(`/api/v1/realms/${realm.name}/signing-keys`).set(bearer(dev.key));
    expect(before.body.data.map((k: { alg: string; status: string }) => [k.alg, k.status]).sort()).toEqual([['ES256', 'signing'], ['RS256', 'signing']]);
    expect(JSON.stringify(before.body)).not.toMatch(/"d"|privateJwk/);
    const rotated = await api().post(`/api/v1/realms/${realm.name}/signing-keys/rotate`).set(bearer(dev.key)).send({ activateAfterSeconds: 600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.kids).toHaveLength(2);
    const after = await api().get(`/api/v1/realms/${realm.name}/signing-keys`).set(bearer(dev.key));
    expect(after.body.data.filter((k: { status: string }) => k.status === 'next').map((k: { kid: string }) => k.kid).sort()).toEqual([...rotated.body.kids].sort());
    const jwks = (await (await fetch(`${realm.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining(rotated.body.kids));
  });
});

describe('GET /realms/{realm}/audit-events', () => {
  it('filters by action (exact or prefix), actor, target and time, and pages with nextCursor only when more exist', async () => {
    const realm = await newRealm();
    for (let i = 0; i < 3; i++) await serviceApp(realm.name);
    const url = `/api/v1/realms/${realm.name}/audit-events`;
    const all = await api().get(url).set(bearer(dev.key));
    expect(all.body.data.map((e: { action: string }) => e.action)).toEqual(['app.created', 'app.created', 'app.created', 'realm.created']);
    expect(all.body).not.toHaveProperty('nextCursor');
    expect(all.body.data[0]).toMatchObject({ actor: `api-key:${dev.apiKey.prefix}`, target: expect.stringMatching(/^app:/), createdAt: expect.any(String), data: expect.anything() });

    const prefix = await api().get(url).query({ action: 'app.' }).set(bearer(dev.key));
    expect(prefix.body.data).toHaveLength(3);
    expect((await api().get(url).query({ action: 'app' }).set(bearer(dev.key))).body.data).toHaveLength(0);
    expect((await api().get(url).query({ actor: 'cli' }).set(bearer(dev.key))).body.data).toHaveLength(0);
    expect((await api().get(url).query({ target: `realm:${realm.name}` }).set(bearer(dev.key))).body.data.map((e: { action: string }) => e.action)).toEqual(['realm.created']);
    expect((await api().get(url).query({ since: new Date(Date.now() + 60_000).toISOString() }).set(bearer(dev.key))).body.data).toHaveLength(0);
    expect((await api().get(url).query({ until: new Date(Date.now() + 60_000).toISOString() }).set(bearer(dev.key))).body.data).toHaveLength(4);

    const first = await api().get(url).query({ limit: 3 }).set(bearer(dev.key));
    expect(first.body.data).toHaveLength(3);
    const second = await api().get(url).query({ limit: 3, cursor: first.body.nextCursor }).set(bearer(dev.key));
    expect(second.body.data.map((e: { action: string }) => e.action)).toEqual(['realm.created']);
    expect(second.body).not.toHaveProperty('nextCursor');

    for (const query of [{ cursor: 'garbage' }, { since: 'yesterday' }, { limit: '201' }, { limit: '0' }]) {
      expectProblem(await api().get(url).query(query).set(bearer(dev.key)), 400, 'validation_failed');
    }
  });

  it("never shows another realm's events, nor to another developer", async () => {
    const a = await newRealm();
    const b = await newRealm();
    await serviceApp(a.name);
    const ofB = await api().get(`/api/v1/realms/${b.name}/audit-events`).set(bearer(dev.key));
    expect(ofB.body.data.map((e: { target: string }) => e.target)).toEqual([`realm:${b.name}`]);
    const { key } = await buildRealmKey(gh(), (await gh().services.realms.findByName(b.name))!);
    expectProblem(await api().get(`/api/v1/realms/${a.name}/audit-events`).set(bearer(key)), 404, 'not_found');
    expectProblem(await api().get(`/api/v1/realms/${a.name}/audit-events`).set(bearer((await buildDeveloper(gh())).key)), 404, 'not_found');
  });
});

describe('GET /realms: search and pages', () => {
  it('pages by name with a cursor and finds realms by part of the name or display name', async () => {
    const owner = await buildDeveloper(gh());
    const tag = unique('srch');
    for (const n of ['a', 'b', 'c', 'd', 'e']) await api().post('/api/v1/realms').set(bearer(owner.key)).send({ name: `${tag}-${n}`, displayName: n === 'c' ? 'The Shop' : undefined }).expect(201);
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await api().get('/api/v1/realms').query({ limit: 2, ...(cursor ? { cursor } : {}) }).set(bearer(owner.key));
      names.push(...res.body.data.map((r: { name: string }) => r.name));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect({ names, pages }).toEqual({ names: ['a', 'b', 'c', 'd', 'e'].map((n) => `${tag}-${n}`), pages: 3 });
    expect((await api().get('/api/v1/realms').query({ q: 'shop' }).set(bearer(owner.key))).body.data.map((r: { name: string }) => r.name)).toEqual([`${tag}-c`]);
    expect((await api().get('/api/v1/realms').query({ q: `${tag}-d` }).set(bearer(owner.key))).body.data.map((r: { name: string }) => r.name)).toEqual([`${tag}-d`]);
    expect((await api().get('/api/v1/realms').query({ q: tag }).set(bearer(dev.key))).body.data).toEqual([]);
  });
});
