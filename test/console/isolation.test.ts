// Realm owners only: developer B never sees or changes developer A's realms. Every console
// route under /console/realms/:name answers B with the same 404 as a realm that does not exist,
// and B's realm list and search never show A's realm.
import { describe, expect, it } from 'vitest';
import { buildApp, buildUser, unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { buildDeveloper, consoleSignIn, csrfOn } from './console-support.js';

const gh = useGatehouse();

describe('console realm isolation', () => {
  it('answers developer B 404 on every route of developer A\'s realm, and changes nothing', { timeout: 120_000 }, async () => {
    const a = await buildDeveloper(gh());
    const realm = await gh().services.realms.create({ name: unique('alpha'), displayName: 'Alpha private' }, a.id, { actor: 'test' });
    const { app } = await buildApp(gh(), realm);
    const user = await buildUser(gh(), realm);
    const rsA = gh().services.forRealm(realm);
    const resource = await rsA.apiResources.create({ identifier: 'https://alpha.example.com', name: 'Alpha API', scopes: ['read'] }, { actor: 'test' });
    const { apiKey: realmKey } = await gh().services.apiKeys.create({ kind: 'realm', realmId: realm.id, name: 'alpha-key' }, { actor: 'test' });
    const b = await buildDeveloper(gh());
    const { browser, page } = await consoleSignIn(gh(), b);
    const csrf = csrfOn(page.html);
    const base = `${gh().url}/console/realms/${realm.name}`;

    const list = await browser.navigate(`${gh().url}/console?q=${realm.name}`);
    expect(list.html).toContain('No realm matches.');
    expect(list.html).not.toContain(`/console/realms/${realm.name}`);
    expect(list.html).not.toContain('Alpha private');
    expect((await browser.navigate(`${gh().url}/console`)).html).not.toContain(`/console/realms/${realm.name}`);

    const gets = ['', '/apps', `/apps/${app.id}`, '/users', `/users/${user.id}`, '/resources', '/api-keys', '/audit', '/keys'];
    for (const path of gets) {
      const res = await browser.navigate(`${base}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.html).not.toContain('Alpha private');
      expect(res.html).not.toContain(user.email);
      expect(res.html).not.toContain(realmKey.prefix);
      expect(res.html).not.toContain('Alpha API');
    }
    const missing = await browser.navigate(`${gh().url}/console/realms/${unique('nowhere')}`);
    expect(missing.status).toBe(404);

    const posts: [string, Record<string, string>][] = [
      ['/settings', { displayName: 'Taken over' }],
      ['/apps', { name: 'Intruder', type: 'service' }],
      [`/apps/${app.id}`, { name: 'Renamed', redirectUris: 'http://localhost:8080/cb' }],
      ['/users', { email: 'intruder@example.com' }],
      [`/users/${user.id}/disable`, {}],
      [`/users/${user.id}/password-reset`, {}],
      [`/users/${user.id}/sign-out`, {}],
      [`/users/${user.id}/factors/reset`, {}],
      [`/users/${user.id}/delete`, { confirm: user.email }],
      ['/keys/rotate', {}],
      ['/resources', { identifier: 'https://intruder.example.com', name: 'Intruder', scopes: 'x' }],
      [`/resources/${resource.id}/delete`, {}],
      ['/api-keys', { name: 'intruder', scopes: 'users:read' }],
      [`/api-keys/${realmKey.prefix}/revoke`, {}],
      [`/apps/${app.id}/rotate-secret`, { graceHours: '0' }],
      [`/apps/${app.id}/delete`, { confirm: 'Test app' }],
      ['/delete', { confirm: realm.name }],
    ];
    const keysBefore = (await gh().services.forRealm(realm).scope.signingKeys.listPublished(new Date())).length;
    for (const [path, form] of posts) {
      const res = await browser.request(`${base}${path}`, { form: { _csrf: csrf, ...form } });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    const rs = gh().services.forRealm((await gh().services.realms.findByName(realm.name))!);
    expect(rs.scope.realm.displayName).toBe('Alpha private');
    expect((await rs.apps.list()).map((x) => x.name)).toEqual(['Test app']);
    expect(await rs.users.get(user.id)).toMatchObject({ disabled: false });
    expect(await rs.scope.users.findByEmail('intruder@example.com')).toBeNull();
    expect((await rs.scope.signingKeys.listPublished(new Date())).length).toBe(keysBefore);
    expect((await rs.apiResources.list()).map((r) => r.identifier)).toEqual(['https://alpha.example.com']);
    expect((await gh().services.apiKeys.list({ kind: 'realm', realmId: realm.id }, { limit: 5 })).data.map((k) => k.prefix)).toEqual([realmKey.prefix]);
    expect((await rs.auditQuery.list({ actor: `developer:${b.id}`, limit: 5 })).events).toEqual([]);

    // A's platform API key: not in B's list, and B cannot revoke it.
    const adminRealm = await gh().services.realms.ensureAdminRealm();
    const { apiKey } = await gh().services.apiKeys.create({ kind: 'platform', ownerId: a.id, adminRealmId: adminRealm.id, name: 'a-key' }, { actor: 'test' });
    const keys = await browser.navigate(`${gh().url}/console/api-keys`);
    expect(keys.html).not.toContain(apiKey.prefix);
    await browser.request(`${gh().url}/console/api-keys/${apiKey.prefix}/revoke`, { form: { _csrf: csrf } });
    expect((await gh().services.apiKeys.list({ kind: 'platform', ownerId: a.id }, { limit: 5 })).data.map((k) => k.prefix)).toEqual([apiKey.prefix]);
  });
});
