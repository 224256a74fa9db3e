// The account page's authenticator app, recovery codes and active sessions through HTTP: codes
// from Debian's oathtool (independent of otplib), the warning at 3 or fewer recovery codes,
// regenerating only after a FRESH second factor, ending one session or all of them really
// signing those browsers out of apps, and realm B blind to realm A's sessions and factors.
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { buildUser, unique } from '../support/builders.js';
import { useGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import type { RealmRecord } from '../../src/realms/realm-scope.js';
import { oidc, signIn } from '../support/relying-party.js';
import { accountRealm, REDIRECT } from '../accounts/account-flows.js';
import { codesOn, MFA_ACR, secretOn, totpAt } from '../mfa/mfa-support.js';
import { confirmWithPreviousStep } from '../support/totp.js';
import { accountUrl, openAccount, passSignIn, textOf } from './account-page.js';

const gh = useGatehouse();
const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

const sectionText = (html: string, id: string) => textOf(new RegExp(`<section id="${id}"[\\s\\S]*?</section>`).exec(html)![0]);

async function enrollTotp(gh: TestGatehouse, realm: RealmRecord, userId: string, email: string) {
  const scope = gh.services.forRealm(realm).scope;
  const { totp, recoveryCodes } = gh.services.mfaMethods;
  const pending = await totp.begin(scope, { id: userId, email });
  expect(await confirmWithPreviousStep(pending!.secret, (code) => totp.check(scope, userId, code, 'confirm'))).toBe(true);
  return { secret: pending!.secret, codes: await recoveryCodes.generate(scope, userId), scope };
}

describe('account page: authenticator app and recovery codes', () => {
  it('turns on an authenticator app with a QR code and one code, shows 10 recovery codes once, and removes it', async () => {
    const { realm } = await accountRealm(gh(), { mfa: 'optional' });
    const user = await buildUser(gh(), realm);
    const { browser, overview } = await openAccount(gh(), realm.name, user);
    expect(sectionText(overview.html, 'totp')).toContain('Set up an authenticator app');

    const enroll = await browser.navigate(accountUrl(gh(), realm.name, '/totp/enroll'));
    expect(enroll.html).toContain('data:image/svg+xml;base64,');
    const secret = secretOn(enroll.html)!;
    const wrong = await browser.submit(enroll, '/totp/enroll', { code: '000000' === totpAt(secret) ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(textOf(wrong.html)).toContain('That code is not right.');
    const shown = await browser.submit(wrong, '/totp/enroll', { code: totpAt(secret) });
    expect(codesOn(shown.html)).toHaveLength(10);
    expect(shown.headers.get('cache-control')).toBe('no-store');

    const after = await browser.navigate(accountUrl(gh(), realm.name));
    expect(sectionText(after.html, 'totp')).toContain('An authenticator app is set up');
    expect(sectionText(after.html, 'recovery-codes')).toContain('10 of 10 recovery codes left.');
    // The next sign-in asks for its code.
    const other = new Browser(gh().url);
    const login = await other.navigate(accountUrl(gh(), realm.name));
    const asked = await other.submit(login, '/login', { email: user.email, password: user.password });
    expect(asked.html).toContain('/mfa/totp"');

    const removed = await browser.submit(after, '/totp/remove');
    expect(textOf(removed.html)).toContain('Your authenticator app was removed');
    expect(sectionText(removed.html, 'totp')).toContain('Set up an authenticator app');
    expect(await gh().services.mfaMethods.recoveryCodes.remaining(gh().services.forRealm(realm).scope, user.id)).toBe(0);
  });

  it('removing the authenticator app keeps the recovery codes while a passkey remains for them to back up', async () => {
    const { realm } = await accountRealm(gh(), { mfa: 'optional' });
    const user = await buildUser(gh(), realm);
    const { scope, secret } = await enrollTotp(gh(), realm, user.id, user.email);
    // A passkey row as registration leaves it (its key is never used here).
    await scope.passkeys.create({ userId: user.id, credentialId: unique('cred'), publicKey: new Uint8Array([1, 2, 3]), counter: 0, transports: ['internal'], deviceType: 'singleDevice', backedUp: false, aaguid: '00000000-0000-0000-0000-000000000000', rpId: 'localhost', name: 'Laptop' });
    const { browser, overview } = await openAccount(gh(), realm.name, { ...user, secret });
    const removed = await browser.submit(overview, '/totp/remove');
    expect(textOf(removed.html)).toContain('Your authenticator app was removed. Your recovery codes still back up your passkeys.');
    expect(sectionText(removed.html, 'totp')).toContain('Set up an authenticator app');
    expect(await gh().services.mfaMethods.recoveryCodes.remaining(scope, user.id)).toBe(10);
  });

  it('warns at 3 or fewer recovery codes; making new ones needs a fresh second factor, and the old ones stop working', async () => {
    const { realm } = await accountRealm(gh(), { mfa: 'off' });
    const user = await buildUser(gh(), realm);
    const { secret, codes, scope } = await enrollTotp(gh(), realm, user.id, user.email);
    for (const code of codes.slice(0, 6)) expect(await gh().services.mfaMethods.recoveryCodes.use(scope, user.id, code)).toBe(true);
    const { browser, overview } = await openAccount(gh(), realm.name, user);
    expect(sectionText(overview.html, 'recovery-codes')).toContain('4 of 10 recovery codes left.');
    expect(overview.html).not.toContain('id="recovery-low"');
    expect(await gh().services.mfaMethods.recoveryCodes.use(scope, user.id, codes[6]!)).toBe(true);
    const low = await browser.navigate(accountUrl(gh(), realm.name));
    expect(sectionText(low.html, 'recovery-codes')).toContain('Only 3 recovery codes left.');

    // Signed in with the password only (the realm does not ask for MFA): a fresh second factor first.
    const start = await browser.request(accountUrl(gh(), realm.name, '/recovery-codes/regenerate'));
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('max_age')).toBe('0');
    expect(authorize.searchParams.get('acr_values')).toBe(MFA_ACR);
    const login = await browser.navigate(authorize.href);
    const mfa = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(mfa.html).toContain('/mfa/totp"');
    const confirm = await passSignIn(browser, mfa, { ...user, secret });
    expect(confirm.url).toBe(accountUrl(gh(), realm.name, '/recovery-codes/regenerate'));
    const fresh = await browser.submit(confirm, '/recovery-codes/regenerate');
    const newCodes = codesOn(fresh.html);
    expect(newCodes).toHaveLength(10);
    expect(await gh().services.mfaMethods.recoveryCodes.use(scope, user.id, codes[7]!)).toBe(false);
    expect(await gh().services.mfaMethods.recoveryCodes.use(scope, user.id, newCodes[0]!)).toBe(true);
  });

  it('keeps factors per realm: the same person in realm B has no authenticator app there', async () => {
    const a = await accountRealm(gh());
    const b = await accountRealm(gh());
    const user = await buildUser(gh(), a.realm);
    await enrollTotp(gh(), a.realm, user.id, user.email);
    const twin = await buildUser(gh(), b.realm, { email: user.email, password: user.password });
    const { overview } = await openAccount(gh(), b.realm.name, twin);
    expect(sectionText(overview.html, 'totp')).toContain('Set up an authenticator app');
    expect(sectionText(overview.html, 'recovery-codes')).toContain('set one up first');
  });
});

describe('account page: active sessions', () => {
  it('lists each browser (browser, address, last seen), ends one, then all; the browsers ended are signed out of apps', async () => {
    const { realm, config } = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    const laptop = new Browser(gh().url, FIREFOX_WINDOWS);
    const inApp = await signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid email offline_access', prompt: 'consent', browser: laptop });
    const { browser, overview } = await openAccount(gh(), realm.name, user, new Browser(gh().url, CHROME_LINUX));
    const sessions = sectionText(overview.html, 'sessions');
    expect(sessions).toMatch(/Chrome on Linux \(this browser\) Address 127\.0\.0\.1 · last seen \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(sessions).toContain('Firefox on Windows');

    const handle = /<strong>Firefox on Windows<\/strong>[\s\S]*?name="session" value="([^"]+)"/.exec(overview.html)![1]!;
    const csrf = /name="_csrf" value="([^"]*)"/.exec(overview.html)![1]!;
    const ended = await browser.navigate(accountUrl(gh(), realm.name, '/sessions/end'), { form: { _csrf: csrf, session: handle } });
    expect(textOf(ended.html)).toContain('The session was ended.');
    expect(sectionText(ended.html, 'sessions')).not.toContain('Firefox on Windows');
    await expect(oidc.refreshTokenGrant(config, inApp.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const laptopAgain = await signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, browser: laptop });
    expect(laptopAgain.pages.some((p) => p.includes('name="password"'))).toBe(true);
    // Ending it again: nothing left to end.
    const twice = await browser.navigate(accountUrl(gh(), realm.name, '/sessions/end'), { form: { _csrf: csrf, session: handle } });
    expect(textOf(twice.html)).toContain('That session had already ended.');

    const all = await browser.submit(ended, '/sessions/end-all');
    expect(textOf(all.html)).toContain('You are signed out everywhere');
    expect((await browser.request(accountUrl(gh(), realm.name))).status).toBe(303);
    const chromeApp = await signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, browser });
    expect(chromeApp.pages.some((p) => p.includes('name="password"'))).toBe(true);
  });

  it('a session handle of realm A ends nothing in realm B', async () => {
    const a = await accountRealm(gh());
    const b = await accountRealm(gh());
    const user = await buildUser(gh(), a.realm, { email: `${unique('same')}@example.com` });
    const twin = await buildUser(gh(), b.realm, { email: user.email, password: user.password });
    const inA = await openAccount(gh(), a.realm.name, user);
    const handleA = /name="session" value="([^"]+)"/.exec(inA.overview.html)![1]!;
    const inB = await openAccount(gh(), b.realm.name, twin);
    const csrfB = /name="_csrf" value="([^"]*)"/.exec(inB.overview.html)![1]!;
    const tried = await inB.browser.navigate(accountUrl(gh(), b.realm.name, '/sessions/end'), { form: { _csrf: csrfB, session: handleA } });
    expect(textOf(tried.html)).toContain('That session had already ended.');
    expect((await inA.browser.request(accountUrl(gh(), a.realm.name))).status).toBe(200);
    expect(textOf((await inA.browser.navigate(accountUrl(gh(), a.realm.name))).html)).toContain('(this browser)');
  });
});
