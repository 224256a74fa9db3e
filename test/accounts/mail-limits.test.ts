// The mail limits on the account pages: an address over its limit gets the usual answer and no
// mail (so the answer says nothing about accounts); a source over its limit gets 429 with
// Retry-After. And a verification link of realm A does nothing in realm B.
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { buildUser } from '../support/builders.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { accountRealm, comparable, startSignIn, textOf } from './account-flows.js';

const { gh, smtp } = useGatehouseWithSmtp({ RATE_LIMIT_MAIL_PER_ADDRESS: '1', RATE_LIMIT_MAIL_PER_IP: '4' });

async function forgot(browser: Browser, loginPage: { html: string; url: string }, email: string) {
  const form = await browser.navigate(new URL(/href="([^"]*forgot-password)"/.exec(loginPage.html)![1]!, loginPage.url).href);
  return browser.submit(form, '/forgot-password', { email });
}

describe('mail limits on the account pages', () => {
  it('answers as usual but mails nothing once an address is over its limit, and 429s a source over its limit', async () => {
    const { realm, config } = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    const { browser, page } = await startSignIn(gh(), config);
    const first = await forgot(browser, page, user.email);
    await smtp().waitFor(user.email);
    const second = await forgot(browser, page, user.email);
    expect(second.status).toBe(first.status);
    expect(comparable(second.html)).toBe(comparable(first.html));
    expect(await gh().prisma.mailMessage.count({ where: { realmId: realm.id, to: user.email } })).toBe(1);

    await forgot(browser, page, 'someone-else@example.com');
    await forgot(browser, page, 'and-another@example.com');
    const limited = await forgot(browser, page, 'one-more@example.com');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(textOf(limited.html)).toContain('Too many mails were asked for');
  });

  it('a verification link of one realm verifies nothing in another', async () => {
    const a = await accountRealm(gh());
    const b = await accountRealm(gh());
    const user = await buildUser(gh(), a.realm, { emailVerified: false });
    await gh().services.forRealm(a.realm).emailVerification.send(user, { actor: 'test' });
    const link = (await smtp().waitFor(user.email)).links.find((l) => l.includes('/email/verify?token='))!;
    const token = new URL(link).searchParams.get('token')!;
    const browser = new Browser(gh().url);
    const elsewhere = await browser.navigate(`${gh().url}/realms/${b.realm.name}/email/verify?token=${token}`);
    expect(elsewhere.status).toBe(400);
    expect(await gh().services.forRealm(b.realm).emailVerification.verifyToken(token, { actor: 'test' })).toEqual({ ok: false, reason: 'invalid' });
    expect((await gh().prisma.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).toBe(false);
    const here = await browser.navigate(link);
    expect((await browser.submit(here, '/email/verify')).status).toBe(200);
    expect((await gh().prisma.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).toBe(true);
  });
});
