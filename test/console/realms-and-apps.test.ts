// Console pages through HTTP (no JavaScript), as a signed-in developer: realms (create, list,
// search, settings), apps (create by type, secret once, connect panel whose curl works as pasted),
// the session cookie, CSRF on forms.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { buildDeveloper, consoleSignIn, csrfOn } from './console-support.js';

const gh = useGatehouse();
const run = promisify(execFile);
const decode = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

async function signedIn() {
  const dev = await buildDeveloper(gh());
  return { dev, ...(await consoleSignIn(gh(), dev)) };
}

describe('console session', () => {
  it('is an HttpOnly, SameSite=Lax cookie scoped to /console, and a form without its CSRF token is refused', async () => {
    const { browser } = await signedIn();
    const cookies = await browser.jar.getCookies(`${gh().url}/console`);
    const session = cookies.find((c) => c.key === 'gh_gatehouse_console');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('lax');
    expect(session?.path).toBe('/console');
    const forged = await browser.request(`${gh().url}/console/new-realm`, { form: { name: unique('csrf') } });
    expect(forged.status).toBe(403);
  });

  it('signs out', async () => {
    const { browser, page } = await signedIn();
    const out = await browser.submit(page, '/console/sign-out');
    expect(out.html).toContain('Signed out');
    expect((await browser.request(`${gh().url}/console`)).status).toBe(303);
  });
});

describe('console realms', () => {
  it('creates a realm, lists and searches it, and saves its settings through the realms service rules', async () => {
    const { browser, dev } = await signedIn();
    const name = unique('shop');
    const form = await browser.navigate(`${gh().url}/console/new-realm`);
    const created = await browser.submit(form, '/console/new-realm', { name, displayName: 'Shop & Co' });
    expect(created.url).toBe(`${gh().url}/console/realms/${name}?notice=Realm%20created.`);
    expect(created.html).toContain('Shop &amp; Co');
    expect(created.html).toContain(`/realms/${name}/.well-known/openid-configuration`);
    expect((await gh().services.realms.findByName(name))?.ownerId).toBe(dev.id);

    const list = await browser.navigate(`${gh().url}/console?q=${name.slice(0, 8)}`);
    expect(list.html).toContain(`/console/realms/${name}"`);
    expect((await browser.navigate(`${gh().url}/console?q=no-such-realm-anywhere`)).html).toContain('No realm matches.');

    const bad = await browser.submit(created, '/settings', { displayName: 'Shop', accessToken: '5', mfa: 'required' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('tokenLifetimes.accessToken');
    const saved = await browser.submit(created, '/settings', { displayName: 'Shop renamed', accessToken: '600', passwordMinLength: '12', mfa: 'optional' });
    expect(saved.html).toContain('Settings saved.');
    const view = gh().services.realms.view((await gh().services.realms.findByName(name))!);
    expect(view).toMatchObject({ displayName: 'Shop renamed', mfa: 'optional', passwordPolicy: { minLength: 12 } });
    expect(view.tokenLifetimes.accessToken).toBe(600);
    const audit = await gh().services.forRealm((await gh().services.realms.findByName(name))!).auditQuery.list({ action: 'realm.updated', limit: 5 });
    expect(audit.events[0]?.actor).toBe(`developer:${dev.id}`);
  });

  it('pages through many realms by name with a cursor', async () => {
    const { browser, dev } = await signedIn();
    const prefix = unique('many');
    // Rows only (no signing keys): a list page reads nothing else, and making 27 key sets takes seconds.
    await gh().prisma.realm.createMany({ data: Array.from({ length: 27 }, (_, i) => ({ name: `${prefix}-${String(i).padStart(2, '0')}`, displayName: `Many ${i}`, ownerId: dev.id })) });
    const first = await browser.navigate(`${gh().url}/console`);
    expect(first.html).toContain(`${prefix}-00`);
    expect(first.html).not.toContain(`${prefix}-25<`);
    const next = decode(/href="(\/console\?cursor=[^"]+)"/.exec(first.html)![1]!);
    const second = await browser.navigate(`${gh().url}${next}`);
    expect(second.html).toContain(`${prefix}-25`);
    expect(second.html).toContain(`${prefix}-26`);
    expect(second.html).not.toContain(`${prefix}-00`);
  });
});

describe('console apps', () => {
  it('creates a service app, shows its secret once, and the connect panel\'s curl gets a token as pasted', async () => {
    const { browser, dev } = await signedIn();
    const realm = await gh().services.realms.create({ name: unique('svc') }, dev.id, { actor: 'test' });
    const apps = await browser.navigate(`${gh().url}/console/realms/${realm.name}/apps`);
    expect(apps.html).toContain('client credentials with a secret');
    const created = await browser.submit(apps, '/apps', { name: 'Nightly job', type: 'service' });
    expect(created.status).toBe(201);
    const secret = /id="client-secret"[^>]*value="([^"]+)"/.exec(created.html)?.[1];
    expect(secret).toMatch(/^ghs_/);
    const curl = decode(/<pre id="snippet-curl"[^>]*>([\s\S]*?)<\/pre>/.exec(created.html)![1]!);
    expect(curl).toContain(secret);
    const { stdout } = await run('bash', ['-c', curl]);
    const token = JSON.parse(stdout) as { access_token?: string; token_type?: string };
    expect(token.token_type).toBe('Bearer');
    expect(token.access_token).toBeTruthy();

    // Afterwards the secret is never shown again.
    const appUrl = /action="([^"]*\/apps\/[0-9a-f-]{36})"/.exec(created.html)![1]!;
    const later = await browser.navigate(`${gh().url}${appUrl}`);
    expect(later.html).not.toContain(secret);
    expect(later.html).toContain('shown once');
  });

  it('creates a web app with its redirect URI, refuses a bad one with the reason, and saves changes', async () => {
    const { browser, dev } = await signedIn();
    const realm = await gh().services.realms.create({ name: unique('web') }, dev.id, { actor: 'test' });
    const apps = await browser.navigate(`${gh().url}/console/realms/${realm.name}/apps`);
    const bad = await browser.submit(apps, '/apps', { name: 'Site', type: 'web', redirectUris: 'http://example.com/cb' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('http is only allowed for localhost');
    const created = await browser.submit(apps, '/apps', { name: 'Site', type: 'web', redirectUris: 'https://site.example.com/cb\n' });
    expect(created.html).toContain('https://site.example.com/cb');
    expect(created.html).toContain('client.ClientSecretBasic(');
    const saved = await browser.submit(created, '/apps/', { name: 'Site', redirectUris: 'https://site.example.com/cb\nhttps://site.example.com/cb2', postLogoutRedirectUris: '' });
    expect(saved.html).toContain('App saved.');
    const [app] = await gh().services.forRealm(realm).apps.list();
    expect(app?.redirectUris).toEqual(['https://site.example.com/cb', 'https://site.example.com/cb2']);
  });
});
