// Forgot / reset password through the hosted pages, with the mail read from a real SMTP server:
// the same answer for known and unknown addresses, a single-use 30-minute link, every session and
// refresh token ended, a "password changed" mail, realm isolation, and bad input as 4xx pages.
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { buildUser, unique } from '../support/builders.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { oidc, signIn } from '../support/relying-party.js';
import { accountRealm, comparable, REDIRECT, startSignIn, textOf } from './account-flows.js';

const { gh, smtp } = useGatehouseWithSmtp();

async function askForReset(browser: Browser, loginPage: { html: string; url: string }, email: string) {
  const forgot = await browser.navigate(new URL(/href="([^"]*forgot-password)"/.exec(loginPage.html)![1]!, loginPage.url).href);
  expect(forgot.status).toBe(200);
  return browser.submit(forgot, '/forgot-password', { email });
}

describe('forgot and reset password', () => {
  it('mails a link that sets a new password once, signs the user out everywhere and refuses the old refresh token', async () => {
    const { realm, config } = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    const old = await signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid email offline_access', prompt: 'consent' });
    expect(old.tokens.refresh_token).toBeTruthy();

    const { browser, page } = await startSignIn(gh(), config);
    expect(textOf(page.html)).toContain('Forgot password?');
    const answer = await askForReset(browser, page, user.email.toUpperCase());
    expect(answer.status).toBe(200);
    expect(textOf(answer.html)).toContain('Check your mail');

    const mail = await smtp().waitFor(user.email, (m) => m.links.some((l) => l.includes('/password/reset?token=')));
    const link = mail.links.find((l) => l.includes('/password/reset?token='))!;
    expect(link.startsWith(`${gh().url}/realms/${realm.name}/password/reset?token=`)).toBe(true);

    const form = await browser.navigate(link);
    expect(form.status).toBe(200);
    expect(textOf(form.html)).toContain('Choose a new password');
    const mismatch = await browser.submit(form, '/password/reset', { password: 'a brand new secret', confirm: 'something else' });
    expect(mismatch.status).toBe(400);
    expect(textOf(mismatch.html)).toContain('The two passwords are not the same.');
    const weak = await browser.submit(form, '/password/reset', { password: 'short', confirm: 'short' });
    expect(weak.status).toBe(400);
    expect(textOf(weak.html)).toContain('Use at least 8 characters');
    expect(weak.html).toContain('aria-invalid="true"');
    const done = await browser.submit(form, '/password/reset', { password: 'a brand new secret', confirm: 'a brand new secret' });
    expect(done.status).toBe(200);
    expect(textOf(done.html)).toContain('Password changed');

    // Signed out everywhere: the old refresh token is refused, the old session signs nobody in.
    await expect(oidc.refreshTokenGrant(config, old.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const again = await startSignIn(gh(), config, old.browser);
    expect(again.page.html).toContain('name="password"');
    await smtp().waitFor(user.email, (m) => /changed/i.test(m.subject));

    // Single use: the link now shows the "no longer valid" page, and posting it does nothing.
    const reused = await browser.navigate(link);
    expect(reused.status).toBe(400);
    expect(textOf(reused.html)).toContain('This link is no longer valid');

    // No log line holds the link's token (the request line logs the path only).
    expect(gh().logLines.join('\n')).not.toContain(new URL(link).searchParams.get('token')!);

    // The new password works, the old one does not.
    const signedIn = await signIn(config, gh().url, { email: user.email, password: 'a brand new secret', redirectUri: REDIRECT });
    expect(signedIn.tokens.claims()?.sub).toBe(user.id);
    await expect(signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT })).rejects.toThrow(/did not return/);
  });

  it('answers a known and an unknown address with the same status and page, and mails only the known one', async () => {
    const { realm, config } = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    const stranger = `${unique('nobody')}@example.com`;
    const a = await startSignIn(gh(), config);
    const known = await askForReset(a.browser, a.page, user.email);
    const b = await startSignIn(gh(), config);
    const unknown = await askForReset(b.browser, b.page, stranger);
    expect(unknown.status).toBe(known.status);
    expect(comparable(unknown.html.replace(stranger, 'ADDRESS'))).toBe(comparable(known.html.replace(user.email, 'ADDRESS')));
    await smtp().waitFor(user.email);
    expect(await gh().prisma.mailMessage.count({ where: { realmId: realm.id, to: stranger } })).toBe(0);
  });

  it('refuses an expired link and a link of another realm', async () => {
    const { realm, config } = await accountRealm(gh());
    const other = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    const { browser, page } = await startSignIn(gh(), config);
    await askForReset(browser, page, user.email);
    const link = (await smtp().waitFor(user.email)).links.find((l) => l.includes('/password/reset?token='))!;
    const token = new URL(link).searchParams.get('token')!;

    const elsewhere = await new Browser(gh().url).navigate(`${gh().url}/realms/${other.realm.name}/password/reset?token=${token}`);
    expect(elsewhere.status).toBe(400);
    expect(textOf(elsewhere.html)).toContain('This link is no longer valid');

    await gh().prisma.userToken.updateMany({ where: { realmId: realm.id, userId: user.id, kind: 'password_reset' }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await new Browser(gh().url).navigate(link);
    expect(expired.status).toBe(400);
    expect(textOf(expired.html)).toContain('This link is no longer valid');
  });

  it('answers bad input with a 4xx page, never a 500', async () => {
    const { realm, config } = await accountRealm(gh());
    const { browser, page } = await startSignIn(gh(), config);
    const bad = await askForReset(browser, page, 'not an address');
    expect(bad.status).toBe(400);
    expect(textOf(bad.html)).toContain('Enter a valid email address.');
    for (const path of ['password/reset', 'password/set', 'email/verify', 'magic-link']) {
      for (const query of ['', '?token=', `?token=${'x'.repeat(5000)}`, '?token=a&token=b']) {
        const res = await new Browser(gh().url).navigate(`${gh().url}/realms/${realm.name}/${path}${query}`);
        expect(res.status, `${path}${query}`).toBe(400);
      }
      // A POST without the form's CSRF cookie and token is refused.
      const forged = await new Browser(gh().url).request(`${gh().url}/realms/${realm.name}/${path}`, { form: { token: 'x', password: 'whatever it is', confirm: 'whatever it is' } });
      expect(forged.status).toBe(403);
    }
  });
});
