// Sign-up and email verification through the hosted pages, with the mail read from a real SMTP
// server: the same answer for new and existing addresses, password policy messages at the field,
// the per-source limit, verification by link (confirm button, single use) and by code in the
// sign-in (requireVerifiedEmail: the verify_email step blocks, then lets through).
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { buildUser, unique } from '../support/builders.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { accountRealm, comparable, startSignIn, textOf } from './account-flows.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { oidc } from '../support/relying-party.js';

const { gh, smtp } = useGatehouseWithSmtp({ RATE_LIMIT_SIGN_UP_PER_IP: '12' });

const linkOf = (html: string, text: string, url: string) => new URL(new RegExp(`href="([^"]*)">${text}<`).exec(html)![1]!.replace(/&amp;/g, '&'), url).href;

async function signUp(g: TestGatehouse, config: oidc.Configuration, fields: Record<string, string>) {
  const { browser, page, finish } = await startSignIn(g, config);
  const form = await browser.navigate(linkOf(page.html, 'Create an account', page.url));
  expect(form.status).toBe(200);
  const answer = await browser.submit(form, '/sign-up', fields);
  return { browser, answer, finish, form };
}

describe('sign-up', () => {
  it('creates the account, mails a verification link, verifies on the confirm button, then signs in', async () => {
    const { config, realm } = await accountRealm(gh());
    const email = `${unique('new')}@example.com`;
    const { answer, browser } = await signUp(gh(), config, { email, password: 'a long fresh password', name: 'Ada Lovelace' });
    expect(answer.status).toBe(200);
    expect(textOf(answer.html)).toContain('Check your mail');

    const mail = await smtp().waitFor(email);
    const link = mail.links.find((l) => l.includes('/email/verify?token='))!;
    expect(mail.text).toMatch(/\b\d{6}\b/);
    const user = await gh().prisma.user.findFirstOrThrow({ where: { realmId: realm.id, email } });
    expect(user).toMatchObject({ name: 'Ada Lovelace', emailVerified: false });

    // GET only shows the button (a mail scanner fetching the link verifies nothing).
    const confirm = await browser.navigate(link);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.html)).toContain('Verify my email');
    expect((await gh().prisma.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).toBe(false);
    const verified = await browser.submit(confirm, '/email/verify');
    expect(verified.status).toBe(200);
    expect(textOf(verified.html)).toContain('Email verified');
    expect((await gh().prisma.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).toBe(true);
    expect((await browser.navigate(link)).status).toBe(400);

    const { page, finish, browser: b2 } = await startSignIn(gh(), config);
    const tokens = await finish(await b2.submit(page, '/login', { email, password: 'a long fresh password' }));
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(await oidc.fetchUserInfo(config, tokens.access_token, user.id)).toMatchObject({ email, email_verified: true });
    const audit = await gh().prisma.auditEvent.findMany({ where: { realmId: realm.id, target: `user:${user.id}` } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['user.signed_up', 'email_verification.sent', 'email_verification.completed']));
  });

  it('verifies with the mailed code on the "check your mail" page; a wrong code or an address without one gets the same refusal', async () => {
    const { config, realm } = await accountRealm(gh());
    const email = `${unique('coder')}@example.com`;
    const { answer, browser } = await signUp(gh(), config, { email, password: 'a long fresh password', name: '' });
    const code = /\b(\d{6})\b/.exec((await smtp().waitFor(email)).text)![1]!;
    const wrong = await browser.submit(answer, '/sign-up/verify', { code: code === '123456' ? '654321' : '123456' });
    expect(wrong.status).toBe(400);
    const nobody = await browser.submit(answer, '/sign-up/verify', { email: `${unique('nobody')}@example.com`, code: '123456' });
    expect(nobody.status).toBe(400);
    expect(textOf(nobody.html).replace(/\S+@example\.com/, 'ADDRESS')).toBe(textOf(wrong.html).replace(/\S+@example\.com/, 'ADDRESS'));
    const right = await browser.submit(answer, '/sign-up/verify', { code });
    expect(right.status).toBe(200);
    expect(textOf(right.html)).toContain('Email verified');
    expect((await gh().prisma.user.findFirstOrThrow({ where: { realmId: realm.id, email } })).emailVerified).toBe(true);
  });

  it('answers an existing address exactly like a new one and leaves its password alone', async () => {
    const { config, realm } = await accountRealm(gh());
    const existing = await buildUser(gh(), realm);
    const fresh = `${unique('fresh')}@example.com`;
    const a = await signUp(gh(), config, { email: existing.email, password: 'a long fresh password', name: '' });
    const b = await signUp(gh(), config, { email: fresh, password: 'a long fresh password', name: '' });
    expect(a.answer.status).toBe(b.answer.status);
    expect(comparable(a.answer.html.replace(existing.email, 'ADDRESS'))).toBe(comparable(b.answer.html.replace(fresh, 'ADDRESS')));
    // The verified owner gets a way back in (a reset link), and the old password still works.
    const mail = await smtp().waitFor(existing.email);
    expect(mail.links.some((l) => l.includes('/password/reset?token='))).toBe(true);
    const { page, finish, browser } = await startSignIn(gh(), config);
    expect((await finish(await browser.submit(page, '/login', { email: existing.email, password: existing.password }))).claims()?.sub).toBe(existing.id);
  });

  it('shows the password policy and bad fields next to the field, with 400', async () => {
    const { config } = await accountRealm(gh(), { passwordPolicy: { minLength: 12 } });
    const email = `${unique('weak')}@example.com`;
    const short = await signUp(gh(), config, { email, password: 'elevenchars', name: '' });
    expect(short.answer.status).toBe(400);
    expect(textOf(short.answer.html)).toContain('Use at least 12 characters (this one has 11).');
    expect(short.answer.html).toMatch(/id="password"[^>]*aria-invalid="true"/);
    const common = await signUp(gh(), config, { email, password: 'password1234', name: '' });
    expect(textOf(common.answer.html)).toContain('one of the most common');
    const badEmail = await signUp(gh(), config, { email: 'nope', password: 'a long fresh password', name: '' });
    expect(badEmail.answer.status).toBe(400);
    expect(textOf(badEmail.answer.html)).toContain('Enter a valid email address.');
    const missing = await badEmail.browser.submit(badEmail.form, '/sign-up', {});
    expect(missing.status).toBe(400);
  });

  it('is not offered when the realm has sign-up disabled', async () => {
    const { config } = await accountRealm(gh(), { signUp: 'disabled' });
    const { page, browser } = await startSignIn(gh(), config);
    expect(textOf(page.html)).not.toContain('Create an account');
    const direct = await browser.navigate(page.url.replace(/\/interaction\/([^/?]+).*$/, '/interaction/$1/sign-up'));
    expect(direct.status).toBe(404);
  });
});

describe('requireVerifiedEmail', () => {
  it('stops an unverified user at "enter the code", refuses wrong codes, and lets the right one through', async () => {
    const { config, realm } = await accountRealm(gh(), { requireVerifiedEmail: true });
    const user = await buildUser(gh(), realm, { emailVerified: false });
    const { page, finish, browser } = await startSignIn(gh(), config);
    const prompt = await browser.submit(page, '/login', { email: user.email, password: user.password });
    expect(prompt.leftTo).toBeUndefined();
    expect(textOf(prompt.html)).toContain('Enter the 6-digit code we sent to');
    const mail = await smtp().waitFor(user.email);
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;

    // Skipping the step does not work: the interaction stays at it.
    const back = await browser.navigate(prompt.url);
    expect(textOf(back.html)).toContain('Enter the 6-digit code');
    const wrong = await browser.submit(back, '/verify-email', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(textOf(wrong.html)).toContain('That code is not right');
    const garbage = await browser.submit(back, '/verify-email', { code: 'x'.repeat(3000) });
    expect(garbage.status).toBe(400);

    const tokens = await finish(await browser.submit(wrong, '/verify-email', { code }));
    const token = new URL(mail.links.find((l) => l.includes('/email/verify?token='))!).searchParams.get('token')!;
    // Neither the code nor the link's token is in any log line.
    expect(gh().logLines.filter((l) => l.includes(token) || new RegExp(`\\b${code}\\b`).test(l))).toEqual([]);
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(await oidc.fetchUserInfo(config, tokens.access_token, user.id)).toMatchObject({ email_verified: true });
  });

  it('sends a new code on "Send a new code" and a code of realm A does nothing in realm B', async () => {
    const a = await accountRealm(gh(), { requireVerifiedEmail: true });
    const b = await accountRealm(gh(), { requireVerifiedEmail: true });
    const email = `${unique('twin')}@example.com`;
    const inA = await buildUser(gh(), a.realm, { email, emailVerified: false });
    const inB = await buildUser(gh(), b.realm, { email, emailVerified: false });

    const first = await startSignIn(gh(), a.config);
    await first.browser.submit(first.page, '/login', { email, password: inA.password });
    const codeA = /\b(\d{6})\b/.exec((await smtp().waitFor(email, (m) => m.text.includes(`/realms/${a.realm.name}/`))).text)![1]!;

    const second = await startSignIn(gh(), b.config);
    const promptB = await second.browser.submit(second.page, '/login', { email, password: inB.password });
    const mailB = await smtp().waitFor(email, (m) => m.text.includes(`/realms/${b.realm.name}/`));
    const codeB = /\b(\d{6})\b/.exec(mailB.text)![1]!;
    if (codeA !== codeB) {
      const refused = await second.browser.submit(promptB, '/verify-email', { code: codeA });
      expect(refused.status).toBe(400);
    }
    const resent = await second.browser.submit(promptB, '/verify-email/resend');
    expect(textOf(resent.html)).toContain('We sent a new code');
    const newest = await smtp().waitFor(email, (m) => m !== mailB && m.text.includes(`/realms/${b.realm.name}/`));
    const newCode = /\b(\d{6})\b/.exec(newest.text)![1]!;
    const tokens = await second.finish(await second.browser.submit(resent, '/verify-email', { code: newCode }));
    expect(tokens.claims()?.sub).toBe(inB.id);
    expect((await gh().prisma.user.findUniqueOrThrow({ where: { id: inA.id } })).emailVerified).toBe(false);
  });
});

describe('sign-up limit per source', () => {
  it('answers 429 with Retry-After once the network made too many sign-ups', async () => {
    const { config } = await accountRealm(gh());
    let last;
    for (let i = 0; i < 13; i++) last = (await signUp(gh(), config, { email: `${unique('burst')}@example.com`, password: 'a long fresh password', name: '' })).answer;
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(textOf(last!.html)).toContain('Too many');
  });
});

describe('prompt=create (Initiating User Registration via OpenID Connect 1.0)', () => {
  it('opens the sign-up page, lets an existing user sign in instead, and is listed in discovery', async () => {
    const { config, issuer, realm } = await accountRealm(gh());
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { prompt_values_supported: string[] };
    expect(discovery.prompt_values_supported).toContain('create');
    const { page, browser, finish } = await startSignIn(gh(), config, undefined, undefined, 'create');
    expect(page.url).toMatch(/\/interaction\/[^/]+\/sign-up$/);
    expect(textOf(page.html)).toContain('Create an account');

    // A new account: sign-up, the mailed code, then the sign-in finishes at the client.
    const email = `${unique('created')}@example.com`;
    const answer = await browser.submit(page, '/sign-up', { email, password: 'a long fresh password' });
    const code = /\b(\d{6})\b/.exec((await smtp().waitFor(email)).text)![1]!;
    const verified = await browser.submit(answer, '/sign-up/verify', { code });
    const login = await browser.navigate(linkOf(verified.html, 'Continue to sign in', verified.url));
    expect(login.html).toContain('name="password"');
    const tokens = await finish(await browser.submit(login, '/login', { email, password: 'a long fresh password' }));
    const user = await gh().prisma.user.findFirstOrThrow({ where: { realmId: realm.id, email } });
    expect(tokens.claims()?.sub).toBe(user.id);

    // "I already have an account" leads to the login form of the same sign-in.
    const existing = await startSignIn(gh(), config, undefined, undefined, 'create');
    const signInForm = await existing.browser.navigate(linkOf(existing.page.html, 'I already have an account: sign in', existing.page.url));
    expect(signInForm.url).toBe(existing.page.url.replace(/\/sign-up$/, '?signin'));
    expect(signInForm.html).toContain('name="password"');
    const again = await existing.finish(await existing.browser.submit(signInForm, '/login', { email, password: 'a long fresh password' }));
    expect(again.claims()?.sub).toBe(tokens.claims()?.sub);
  });

  it('is refused with invalid_request where the realm has sign-up disabled, and not listed', async () => {
    const { config, issuer } = await accountRealm(gh(), { signUp: 'disabled' });
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { prompt_values_supported: string[] };
    expect(discovery.prompt_values_supported).not.toContain('create');
    const { page } = await startSignIn(gh(), config, undefined, undefined, 'create');
    const back = new URL(page.leftTo!);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toBe('unsupported prompt value requested');
  });
});
