// Magic links through the hosted pages, with the mail read from a real SMTP server: GET only
// confirms, the POST signs in (amr otp, email verified), single use, 15 minutes, only in the
// browser that asked, the same answer for known and unknown addresses, realm isolation, and the
// direct API's app target (redirect with an exchange code bound to the client).
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { buildUser, unique } from '../support/builders.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { accountRealm, comparable, startSignIn, textOf } from './account-flows.js';
import { oidc } from '../support/relying-party.js';

const { gh, smtp } = useGatehouseWithSmtp();

async function askForLink(browser: Browser, loginPage: { html: string; url: string }, email: string) {
  const href = /href="([^"]*email-link)"/.exec(loginPage.html)![1]!;
  const form = await browser.navigate(new URL(href, loginPage.url).href);
  expect(form.status).toBe(200);
  return browser.submit(form, '/email-link', { email });
}
const magicLinkIn = (text: string) => /https?:\/\/\S+\/magic-link\?token=[^\s]+/.exec(text)![0];

describe('magic links', () => {
  it('signs in the browser that asked, after the confirm button, once', async () => {
    const { config, realm } = await accountRealm(gh());
    const user = await buildUser(gh(), realm, { emailVerified: false });
    const { browser, page, finish } = await startSignIn(gh(), config);
    expect(textOf(page.html)).toContain('Email me a sign-in link');
    const sent = await askForLink(browser, page, user.email);
    expect(textOf(sent.html)).toContain('Check your mail');
    const link = magicLinkIn((await smtp().waitFor(user.email)).text);

    // Another browser (no interaction cookie) is told where to open it; the link stays usable.
    const stranger = await new Browser(gh().url).navigate(link);
    expect(stranger.status).toBe(400);
    expect(textOf(stranger.html)).toContain('Open the link in the browser where you asked for it');

    const confirm = await browser.navigate(link);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('>Sign in</button>');
    const tokens = await finish(await browser.submit(confirm, '/magic-link'));
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ['otp'] });
    expect(await oidc.fetchUserInfo(config, tokens.access_token, user.id)).toMatchObject({ email_verified: true });

    expect(gh().logLines.join('\n')).not.toContain(new URL(link).searchParams.get('token')!);
    const again = await browser.navigate(link);
    expect(again.status).toBe(400);
    expect(textOf(again.html)).toContain('This link is no longer valid');
    const actions = (await gh().prisma.auditEvent.findMany({ where: { realmId: realm.id, target: `user:${user.id}` } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['magic_link.sent', 'magic_link.used']));
  });

  it('answers a known and an unknown address alike, and mails only the known one', async () => {
    const { config, realm } = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    const nobody = `${unique('nobody')}@example.com`;
    const a = await startSignIn(gh(), config);
    const known = await askForLink(a.browser, a.page, user.email);
    const b = await startSignIn(gh(), config);
    const unknown = await askForLink(b.browser, b.page, nobody);
    expect(unknown.status).toBe(known.status);
    expect(comparable(unknown.html.replace(nobody, 'ADDRESS'))).toBe(comparable(known.html.replace(user.email, 'ADDRESS')));
    await smtp().waitFor(user.email);
    expect(await gh().prisma.mailMessage.count({ where: { to: nobody } })).toBe(0);
  });

  it('refuses an expired link, a link of another realm, and is not offered when disabled', async () => {
    const { config, realm } = await accountRealm(gh());
    const other = await accountRealm(gh(), { magicLink: 'disabled' });
    const user = await buildUser(gh(), realm);
    const { browser, page } = await startSignIn(gh(), config);
    await askForLink(browser, page, user.email);
    const link = magicLinkIn((await smtp().waitFor(user.email)).text);
    const token = new URL(link).searchParams.get('token')!;
    expect((await browser.navigate(`${gh().url}/realms/${other.realm.name}/magic-link?token=${token}`)).status).toBe(400);
    expect((await browser.navigate(`${gh().url}/realms/${other.realm.name}/magic-link?token=${token}`)).html).toContain('This link is no longer valid');

    await gh().prisma.userToken.updateMany({ where: { realmId: realm.id, userId: user.id, kind: 'magic_link' }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await browser.navigate(link);
    expect(expired.status).toBe(400);

    const off = await startSignIn(gh(), other.config);
    expect(textOf(off.page.html)).not.toContain('Email me a sign-in link');
    expect((await off.browser.navigate(off.page.url.replace(/\/interaction\/([^/?]+).*$/, '/interaction/$1/email-link'))).status).toBe(404);
  });

  it('for an app target, redirects with a single-use code only that client can exchange', async () => {
    const { realm, app } = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    const account = gh().services.forRealm(realm);
    await account.magicLinks.request({ email: user.email, target: { kind: 'app', clientId: app.clientId, redirectUri: 'http://localhost:8080/cb', state: 'xyz' } }, { actor: 'test' });
    const link = magicLinkIn((await smtp().waitFor(user.email)).text);
    const browser = new Browser(gh().url);
    const confirm = await browser.navigate(link);
    expect(confirm.status).toBe(200);
    const back = await browser.submit(confirm, '/magic-link');
    const to = new URL(back.leftTo!);
    expect(`${to.origin}${to.pathname}`).toBe('http://localhost:8080/cb');
    expect(to.searchParams.get('state')).toBe('xyz');
    const code = to.searchParams.get('code')!;
    expect(await account.magicLinks.exchange(code, 'some-other-client')).toBeNull();
    expect((await account.magicLinks.exchange(code, app.clientId))?.id).toBe(user.id);
    expect(await account.magicLinks.exchange(code, app.clientId)).toBeNull();
    // The code of realm A is nothing in realm B.
    const other = await accountRealm(gh());
    expect(await gh().services.forRealm(other.realm).magicLinks.exchange(code, app.clientId)).toBeNull();
  });
});
