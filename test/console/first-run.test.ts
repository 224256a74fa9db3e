// First run: while no developer account exists, / and /console offer to create one, from this
// machine or with the setup token; the new developer then signs in through the admin realm.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Browser, formOn } from '../support/browser.js';
import { useGatehouse } from '../support/gatehouse.js';
import { consoleSignIn } from './console-support.js';

const SETUP_TOKEN = 'setup-token-for-the-test-0123456789';
const gh = useGatehouse({ CONSOLE_SETUP_TOKEN: SETUP_TOKEN });

describe('console first run', () => {
  it('refuses a forwarded request without the setup token, then creates the first account with it once, and the developer signs in', async () => {
    const landing = await new Browser(gh().url).navigate(`${gh().url}/`);
    expect(landing.html).toContain('Create the first developer account');

    // Through a proxy (a forwarded-for header) the request is not "from this machine".
    const browser = new Browser(gh().url);
    const form = await browser.navigate(`${gh().url}/console`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('Create the first developer account');
    const { fields } = formOn(form.html, '/console/setup');
    const post = (extra: Record<string, string>) => fetch(`${gh().url}/console/setup`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9', cookie: browser.jar.getCookieStringSync(`${gh().url}/console`) },
      body: new URLSearchParams({ ...fields, email: 'first@example.com', password: 'first-developer-pw', ...extra }),
    });
    const refused = await post({ setup_token: 'wrong-token-wrong-token-wrong' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('setup token is missing or wrong');
    const created = await post({ setup_token: SETUP_TOKEN });
    expect(created.status).toBe(200);
    expect(await created.text()).toContain('Developer account created');
    // Single use, and the offer is closed: the same token creates nothing more.
    const again = await post({ setup_token: SETUP_TOKEN, email: 'second@example.com' });
    expect(again.status).toBe(303);
    expect(gh().logLines.join('')).not.toContain(SETUP_TOKEN);
    expect(gh().logLines.join('')).not.toContain('first-developer-pw');

    const { page } = await consoleSignIn(gh(), { email: 'first@example.com', password: 'first-developer-pw' });
    expect(page.html).toContain('Your realms');
    expect(page.html).toContain('first@example.com');
    expect((await new Browser(gh().url).navigate(`${gh().url}/`)).html).not.toContain('Create the first developer account');
    const admin = await gh().services.realms.ensureAdminRealm();
    expect((await gh().services.forRealm(admin).users.list(10)).map((u) => u.email)).toEqual(['first@example.com']);
  });
});

describe('console first run without CONSOLE_SETUP_TOKEN', () => {
  const drawn = useGatehouse();

  it('draws a one-time token into DATA_DIR (0600), names the file in the log but never the token, and deletes it once used', async () => {
    const browser = new Browser(drawn().url);
    // The console's start-up work (and its log line) is done before it answers.
    const form = await browser.navigate(`${drawn().url}/console`);
    expect(form.html).not.toContain('name="setup_token"');
    const file = join(drawn().config.dataDir, 'console-setup-token');
    const token = (await readFile(file, 'utf8')).trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const line = drawn().logLines.find((l) => l.includes('First run: create the first developer account'));
    expect(line).toContain(`one-time setup token in ${file}`);
    expect(drawn().logLines.join('')).not.toContain(token);

    // From elsewhere (a forwarded request) the form asks for it, and the file's token is accepted.
    const remote = await fetch(`${drawn().url}/console`, { headers: { 'x-forwarded-for': '203.0.113.9', cookie: browser.jar.getCookieStringSync(`${drawn().url}/console`) } });
    expect(await remote.text()).toContain('name="setup_token"');
    const { fields } = formOn(form.html, '/console/setup');
    const done = await fetch(`${drawn().url}/console/setup`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9', cookie: browser.jar.getCookieStringSync(`${drawn().url}/console`) },
      body: new URLSearchParams({ ...fields, email: 'remote@example.com', password: 'remote-developer-pw', setup_token: token }),
    });
    expect(await done.text()).toContain('Developer account created');
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    const next = await new Browser(drawn().url).navigate(`${drawn().url}/console`);
    expect(next.url).toContain('/realms/admin/interaction/');
  });
});

describe('console first run from this machine', () => {
  const local = useGatehouse();

  it('lets a loopback request create the account without the token', async () => {
    const browser = new Browser(local().url);
    const form = await browser.navigate(`${local().url}/console`);
    expect(form.html).not.toContain('name="setup_token"');
    const done = await browser.submit(form, '/console/setup', { email: 'local@example.com', password: 'local-developer-pw' });
    expect(done.html).toContain('Developer account created');
  });
});
