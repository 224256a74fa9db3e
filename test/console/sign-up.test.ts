// Developer sign-up (CONSOLE_SIGN_UP): when the platform allows it, /console/sign-up opens the
// admin realm's hosted sign-up (prompt=create); the new developer verifies the mailed code and
// signs in, and lands in the console with no realms (another developer's are not shown). When it is off (the
// default), the admin realm offers no sign-up at all: no link, and the sign-up page is a 404.
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { useGatehouse } from '../support/gatehouse.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { textOf } from '../mfa/mfa-support.js';
import { buildDeveloper } from './console-support.js';

describe('CONSOLE_SIGN_UP=true', () => {
  const { gh, smtp } = useGatehouseWithSmtp({ CONSOLE_SIGN_UP: 'true' });

  it('lets a developer sign up through the admin realm, verify the mailed code, and use the console', async () => {
    const existing = await buildDeveloper(gh());
    await gh().services.realms.create({ name: 'someone-elses' }, existing.id, { actor: 'test' });
    const browser = new Browser(gh().url);
    const form = await browser.navigate(`${gh().url}/console/sign-up`);
    expect(form.url).toContain('/realms/admin/interaction/');
    expect(form.html).toContain('name="password"');
    expect(textOf(form.html)).toContain('Create');
    const email = 'new.developer@example.com';
    const answer = await browser.submit(form, '/sign-up', { email, password: 'a long developer password' });
    expect(answer.status).toBe(200);
    expect(textOf(answer.html)).toContain('Check your mail');
    const mail = await smtp().waitFor(email);
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
    const verified = await browser.submit(answer, '/sign-up/verify', { code });
    expect(textOf(verified.html)).toContain(`${email} is verified`);
    const login = await browser.navigate(new URL(/href="([^"]+)">Continue to sign in</.exec(verified.html)![1]!.replace(/&amp;/g, '&'), verified.url).href);
    expect(login.html).toContain('name="password"');
    const signedIn = await browser.submit(login, '/login', { email, password: 'a long developer password' });
    expect(signedIn.url).toBe(`${gh().url}/console`);
    expect(textOf(signedIn.html)).toContain('Your realms');
    expect(signedIn.html).toContain(email);
    expect(signedIn.html).not.toContain('someone-elses');
    const created = await browser.submit(await browser.navigate(`${gh().url}/console/new-realm`), '/console/new-realm', { name: 'newcomer-shop' });
    expect(created.url).toBe(`${gh().url}/console/realms/newcomer-shop?notice=Realm%20created.`);
    const admin = await gh().services.realms.ensureAdminRealm();
    const user = await gh().services.forRealm(admin).scope.users.findByEmail(email);
    expect(user).toMatchObject({ emailVerified: true });
    expect((await gh().services.realms.findByName('newcomer-shop'))!.ownerId).toBe(user!.id);
  });
});

describe('CONSOLE_SIGN_UP unset', () => {
  const gh = useGatehouse();

  it('offers no developer sign-up: no link on the sign-in page, and the sign-up page is not found', async () => {
    await buildDeveloper(gh());
    const browser = new Browser(gh().url);
    const page = await browser.navigate(`${gh().url}/console/sign-up`);
    expect(page.url).toContain('/realms/admin/interaction/');
    expect(page.url).not.toContain('/sign-up');
    expect(page.html).toContain('name="password"');
    expect(textOf(page.html)).not.toContain('Create an account');
    const direct = await browser.navigate(page.url.replace(/\/interaction\/([^/?]+).*$/, '/interaction/$1/sign-up'));
    expect(direct.status).toBe(404);
  });
});
