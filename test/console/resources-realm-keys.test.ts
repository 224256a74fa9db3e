// A realm's APIs and its own API keys in the console. APIs: register one (a bad identifier is
// refused naming the field), give a service app access on the app's page, and the app's
// client_credentials token for it is an RFC 9068 JWT with the API as audience; delete it and the
// realm refuses that resource. Realm keys: made on the realm's page, they work with curl on that
// realm and on no other realm of the same developer, are not among the platform keys, and stop
// once revoked. Everything audited as the developer, in the realm.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { buildDeveloper, consoleSignIn } from './console-support.js';

const gh = useGatehouse();
const run = promisify(execFile);

async function clientCredentials(realm: string, clientId: string, secret: string, resource: string) {
  const res = await fetch(`${gh().url}/realms/${realm}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'orders:read' }),
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string } };
}

describe('console APIs (resources)', () => {
  it('registers an API, gives a service app access, the token is a JWT for it, and deleting it ends that', async () => {
    const dev = await buildDeveloper(gh());
    const { browser } = await consoleSignIn(gh(), dev);
    const realm = await gh().services.realms.create({ name: unique('apis') }, dev.id, { actor: 'test' });
    const page = await browser.navigate(`${gh().url}/console/realms/${realm.name}/resources`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('No APIs yet.');

    const bad = await browser.submit(page, '/resources', { identifier: 'not a uri', name: 'Orders', scopes: 'orders:read' });
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/identifier: /);
    expect(bad.html).toContain('value="Orders"');
    const identifier = 'https://orders.example.com';
    const listed = await browser.submit(page, '/resources', { identifier, name: 'Orders', scopes: 'orders:read orders:write', accessTokenTtl: '900' });
    expect(listed.status).toBe(200);
    expect(listed.html).toContain(`API ${identifier} registered.`);
    expect(listed.html).toContain('orders:read orders:write');

    const apps = await browser.navigate(`${gh().url}/console/realms/${realm.name}/apps`);
    const created = await browser.submit(apps, '/apps', { name: 'Billing', type: 'service' });
    const clientId = /id="client-id"[^>]*value="([^"]+)"/.exec(created.html)![1]!;
    const secret = /id="client-secret"[^>]*value="([^"]+)"/.exec(created.html)![1]!;
    const appPath = /action="([^"]*\/apps\/[0-9a-f-]{36})"/.exec(created.html)![1]!;
    const saved = await browser.submit(created, appPath, { name: 'Billing', apiAccess: `${identifier} orders:read` });
    expect(saved.html).not.toContain('role="alert"');

    const token = await clientCredentials(realm.name, clientId, secret, identifier);
    expect(token.status).toBe(200);
    expect(decodeProtectedHeader(token.body.access_token!).typ).toBe('at+jwt');
    const claims = decodeJwt(token.body.access_token!);
    expect(claims).toMatchObject({ aud: identifier, client_id: clientId, scope: 'orders:read' });
    expect(claims.exp! - claims.iat!).toBe(900);

    const deleted = await browser.submit(listed, '/delete');
    expect(deleted.html).toContain('API deleted');
    expect(deleted.html).toContain('No APIs yet.');
    const refused = await clientCredentials(realm.name, clientId, secret, identifier);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_target');
    const rs = gh().services.forRealm(realm);
    const events = (await rs.auditQuery.list({ actor: `developer:${dev.id}`, action: 'resource.', limit: 10 })).events.map((e) => e.action);
    expect(events.sort()).toEqual(['resource.created', 'resource.deleted']);
  });
});

describe('console realm API keys', () => {
  it('makes a key for one realm that works there with curl, nowhere else, and stops once revoked', async () => {
    const dev = await buildDeveloper(gh());
    const { browser } = await consoleSignIn(gh(), dev);
    const realm = await gh().services.realms.create({ name: unique('rk') }, dev.id, { actor: 'test' });
    const other = await gh().services.realms.create({ name: unique('rk-other') }, dev.id, { actor: 'test' });
    const page = await browser.navigate(`${gh().url}/console/realms/${realm.name}/api-keys`);
    expect(page.html).toContain(`/api/v1/realms/${realm.name}`);
    const tooLong = await browser.submit(page, '/api-keys', { name: 'ci', scopes: 'users:read', expiresInDays: '400' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toContain('expiresInDays: a whole number of days from 1 to 366');
    const created = await browser.submit(page, '/api-keys', { name: 'realm-ci', scopes: 'users:read', expiresInDays: '30' });
    expect(created.status).toBe(201);
    const key = /id="new-key"[^>]*value="([^"]+)"/.exec(created.html)![1]!;
    expect(key).toMatch(/^gh_rk_/);
    const curl = async (path: string) => Number((await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Authorization: Bearer ${key}`, `${gh().url}/api/v1${path}`])).stdout);
    expect(await curl(`/realms/${realm.name}/users`)).toBe(200);
    expect(await curl(`/realms/${other.name}/users`)).toBe(404);
    expect(await curl(`/realms/${realm.name}/apps`)).toBe(403);

    const prefix = key.slice(0, 'gh_rk_'.length + 12);
    const list = await browser.navigate(`${gh().url}/console/realms/${realm.name}/api-keys`);
    expect(list.html).toContain(prefix);
    expect(list.html).not.toContain(key);
    expect((await browser.navigate(`${gh().url}/console/api-keys`)).html).not.toContain(prefix);
    expect((await browser.navigate(`${gh().url}/console/realms/${other.name}/api-keys`)).html).not.toContain(prefix);
    const revoked = await browser.submit(list, `/${prefix}/revoke`);
    expect(revoked.url).toContain(`/console/realms/${realm.name}/api-keys`);
    expect(revoked.html).toContain('Key revoked');
    expect(await curl(`/realms/${realm.name}/users`)).toBe(401);
    const events = (await gh().services.forRealm(realm).auditQuery.list({ actor: `developer:${dev.id}`, action: 'api_key.', limit: 10 })).events.map((e) => e.action);
    expect(events.sort()).toEqual(['api_key.created', 'api_key.revoked']);
  });
});
