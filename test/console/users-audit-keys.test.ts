// Console users, audit log and signing keys through HTTP, as a signed-in developer: each action
// does what it says (seen in the services' state) and is audited with the developer as actor;
// rotating keys asks for a fresh sign-in first.
import { describe, expect, it } from 'vitest';
import { buildUser, unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { buildDeveloper, consoleSignIn, csrfOn } from './console-support.js';

const gh = useGatehouse();

async function ownedRealm() {
  const dev = await buildDeveloper(gh());
  const { browser } = await consoleSignIn(gh(), dev);
  const realm = await gh().services.realms.create({ name: unique('users') }, dev.id, { actor: 'test' });
  return { dev, browser, realm, base: `${gh().url}/console/realms/${realm.name}` };
}

describe('console users', () => {
  it('creates, finds by email, disables, enables, resets factors and deletes a user, each audited as the developer', async () => {
    const { dev, browser, realm, base } = await ownedRealm();
    const list = await browser.navigate(`${base}/users`);
    const email = `${unique('pat')}@example.com`;
    // The search form has the same action (GET): post the create form's fields by hand.
    const created = await browser.navigate(`${base}/users`, { form: { _csrf: csrfOn(list.html), email, name: 'Pat', password: '' } });
    expect(created.html).toContain('User created.');
    const found = await browser.navigate(`${base}/users?q=${encodeURIComponent(email.slice(0, 10))}`);
    expect(found.html).toContain(email);
    const exact = await browser.navigate(`${base}/users?q=${encodeURIComponent(email.toUpperCase())}`);
    expect(exact.html).toContain(email);
    expect((await browser.navigate(`${base}/users?q=${encodeURIComponent(`x${email}`)}`)).html).toContain('No user matches.');
    const userPage = await browser.navigate(`${base}/users/${/\/users\/([0-9a-f-]{36})/.exec(created.url)![1]}`);
    const rs = gh().services.forRealm(realm);
    const id = (await rs.scope.users.findByEmail(email))!.id;

    const disabled = await browser.submit(userPage, `${id}/disable`);
    expect(disabled.html).toContain('User disabled');
    expect((await rs.users.get(id))?.disabled).toBe(true);
    const enabled = await browser.submit(disabled, `${id}/enable`);
    expect(enabled.html).toContain('Status</dt><dd>Enabled');
    expect((await browser.submit(enabled, `${id}/sign-out`)).html).toContain('Signed out of every session.');
    expect((await browser.submit(enabled, `${id}/password-reset`)).html).toContain('Password reset mail sent');

    const refused = await browser.submit(enabled, `${id}/delete`, { confirm: 'someone-else@example.com' });
    expect(refused.status).toBe(400);
    const deleted = await browser.submit(enabled, `${id}/delete`, { confirm: email });
    expect(deleted.html).toContain('User deleted.');
    expect(await rs.users.get(id)).toBeNull();

    const audit = await rs.auditQuery.list({ actor: `developer:${dev.id}`, limit: 20 });
    expect(audit.events.map((e) => e.action)).toEqual(expect.arrayContaining(['user.created', 'user.updated', 'user.deleted']));
  });

  it('shows a user\'s enrolled factors and resets them', async () => {
    const { browser, realm, base } = await ownedRealm();
    const user = await buildUser(gh(), realm);
    const rs = gh().services.forRealm(realm);
    await rs.scope.recoveryCodes.replace(user.id, [`hash-a-${user.id}`, `hash-b-${user.id}`]);
    const page = await browser.navigate(`${base}/users/${user.id}`);
    expect(page.html).toContain('Recovery codes');
    const reset = await browser.submit(page, '/factors/reset');
    expect(reset.html).toContain('1 factor(s) removed');
    expect(await rs.mfa.list(user.id)).toEqual([]);
  });
});

describe('console audit log', () => {
  it('lists events newest first, filters by action prefix and actor, and pages with a cursor', async () => {
    const { dev, browser, realm, base } = await ownedRealm();
    const rs = gh().services.forRealm(realm);
    for (let i = 0; i < 55; i++) await rs.scope.audit.append({ actor: 'user:someone', action: i % 2 ? 'login.succeeded' : 'login.failed', target: `n:${i}`, data: { attempt: i } });
    await rs.scope.audit.append({ actor: `developer:${dev.id}`, action: 'app.created', target: 'app:x' });
    const all = await browser.navigate(`${base}/audit`);
    expect(all.html.indexOf('<strong>app.created')).toBeLessThan(all.html.indexOf('<strong>login.'));
    expect(all.html).toContain('&quot;attempt&quot;: 54');
    const next = /href="([^"]*\/audit\?cursor=[^"]+)"/.exec(all.html)![1]!.replace(/&amp;/g, '&');
    const older = await browser.navigate(`${gh().url}${next}`);
    expect(older.html).toContain('realm.created');
    const failed = await browser.navigate(`${base}/audit?action=login.failed`);
    expect(failed.html).not.toContain('login.succeeded');
    expect(failed.html).toContain('login.failed');
    const mine = await browser.navigate(`${base}/audit?actor=${encodeURIComponent(`developer:${dev.id}`)}`);
    expect(mine.html).toContain('app.created');
    expect(mine.html).not.toContain('login.failed');
    const future = await browser.navigate(`${base}/audit?since=2999-01-01T00:00`);
    expect(future.html).toContain('No events match.');
    const badCursor = await browser.navigate(`${base}/audit?cursor=not-a-cursor`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.html).toContain('cursor');
  });
});

describe('console signing keys', () => {
  it('asks for a fresh sign-in (max_age=0) before listing and rotating keys', async () => {
    const { browser, base } = await ownedRealm();
    const res = await browser.request(`${base}/keys`);
    // Just signed in: recent enough, the page shows.
    expect(res.status).toBe(200);
    const page = await browser.navigate(`${base}/keys`);
    const before = (page.html.match(/<li><code>/g) ?? []).length;
    const rotated = await browser.submit(page, '/keys/rotate');
    expect(rotated.html).toContain('New keys published');
    expect((rotated.html.match(/<li><code>/g) ?? []).length).toBeGreaterThan(before);
  });

  it('sends a developer whose sign-in is older than 5 minutes through max_age=0 first', async () => {
    const { browser, base } = await ownedRealm();
    const realNow = Date.now;
    Date.now = () => realNow() + 6 * 60 * 1000;
    try {
      const res = await browser.request(`${base}/keys`);
      expect(res.status).toBe(303);
      const authorize = new URL(res.headers.get('location')!);
      expect(authorize.pathname).toBe('/realms/admin/authorize');
      expect(authorize.searchParams.get('max_age')).toBe('0');
    } finally {
      Date.now = realNow;
    }
  });
});
