// What the console does with the management API's newer services: platform API keys (shown
// once, work with curl, stop once revoked), secret rotation with a grace period (old and new
// both get tokens, then only the new one once the grace is 0), app and realm deletion
// (type the name), all behind CSRF and audited as the developer.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { buildDeveloper, consoleSignIn } from './console-support.js';

const gh = useGatehouse();
const run = promisify(execFile);

async function tokenStatus(realm: string, clientId: string, secret: string) {
  const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-u', `${clientId}:${secret}`, '-d', 'grant_type=client_credentials', `${gh().url}/realms/${realm}/token`]);
  return Number(stdout);
}

describe('console API keys', () => {
  it('creates a scoped key shown once that works with curl, lists it by prefix, and revokes it', async () => {
    const dev = await buildDeveloper(gh());
    const { browser } = await consoleSignIn(gh(), dev);
    const page = await browser.navigate(`${gh().url}/console/api-keys`);
    const none = await browser.submit(page, '/console/api-keys', { name: 'ci' });
    expect(none.status).toBe(400);
    expect(none.html).toContain('tick at least one scope');
    const created = await browser.navigate(`${gh().url}/console/api-keys`, { form: { _csrf: /name="_csrf" value="([^"]*)"/.exec(page.html)![1]!, name: 'ci', scopes: 'realms:read', expiresInDays: '30' } });
    expect(created.status).toBe(201);
    const key = /id="new-key"[^>]*value="([^"]+)"/.exec(created.html)![1]!;
    const curl = async (path: string) => Number((await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Authorization: Bearer ${key}`, `${gh().url}/api/v1${path}`])).stdout);
    expect(await curl('/realms')).toBe(200);
    // Least privilege: realms:read cannot create a realm.
    const { stdout: refused } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Authorization: Bearer ${key}`, '-H', 'content-type: application/json', '-d', JSON.stringify({ name: unique('nope') }), `${gh().url}/api/v1/realms`]);
    expect(Number(refused)).toBe(403);
    const prefix = key.slice(0, 'gh_pk_'.length + 12);
    const list = await browser.navigate(`${gh().url}/console/api-keys`);
    expect(list.html).toContain(prefix);
    expect(list.html).not.toContain(key);
    const revoked = await browser.submit(list, `/${prefix}/revoke`);
    expect(revoked.html).toContain('Key revoked');
    expect(await curl('/realms')).toBe(401);
  });
});

describe('console secret rotation and deletion', () => {
  it('rotates a secret with a grace period (both work), needs the name to delete the app, and deletes the realm', async () => {
    const dev = await buildDeveloper(gh());
    const { browser } = await consoleSignIn(gh(), dev);
    const realm = await gh().services.realms.create({ name: unique('rot') }, dev.id, { actor: 'test' });
    const apps = await browser.navigate(`${gh().url}/console/realms/${realm.name}/apps`);
    const created = await browser.submit(apps, '/apps', { name: 'Worker', type: 'service' });
    const clientId = /id="client-id"[^>]*value="([^"]+)"/.exec(created.html)![1]!;
    const first = /id="client-secret"[^>]*value="([^"]+)"/.exec(created.html)![1]!;
    const rotated = await browser.submit(created, '/rotate-secret', { graceHours: '2' });
    const second = /id="client-secret"[^>]*value="([^"]+)"/.exec(rotated.html)![1]!;
    expect(second).not.toBe(first);
    expect(rotated.html).toContain('The old one keeps working until');
    expect(await tokenStatus(realm.name, clientId, first)).toBe(200);
    expect(await tokenStatus(realm.name, clientId, second)).toBe(200);
    const now = await browser.submit(rotated, '/rotate-secret', { graceHours: '0' });
    const third = /id="client-secret"[^>]*value="([^"]+)"/.exec(now.html)![1]!;
    expect(await tokenStatus(realm.name, clientId, second)).toBe(401);
    expect(await tokenStatus(realm.name, clientId, third)).toBe(200);

    const wrong = await browser.submit(now, '/delete', { confirm: 'not it' });
    expect(wrong.status).toBe(400);
    const deletedApp = await browser.submit(now, '/delete', { confirm: 'Worker' });
    expect(deletedApp.html).toContain('App deleted');
    expect(await tokenStatus(realm.name, clientId, third)).toBe(401);

    const overview = await browser.navigate(`${gh().url}/console/realms/${realm.name}`);
    expect((await browser.submit(overview, '/delete', { confirm: 'rot' })).status).toBe(400);
    const gone = await browser.submit(overview, '/delete', { confirm: realm.name });
    expect(gone.html).toContain(`Realm ${realm.name} deleted.`);
    expect(await gh().services.realms.findByName(realm.name)).toBeNull();
    const admin = await gh().services.realms.ensureAdminRealm();
    const events = await gh().services.forRealm(admin).auditQuery.list({ action: 'realm.deleted', actor: `developer:${dev.id}`, limit: 5 });
    expect(events.events.map((e) => e.target)).toEqual([`realm:${realm.name}`]);
  });
});
