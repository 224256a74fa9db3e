// "Remember this browser": after a code with the box ticked, the same browser signs in with the
// password alone until the realm's mfaRememberDays pass; another browser, another user, another
// realm, a changed password or a removed factor, step-up (acr_values), max_age and prompt=login are asked for a code.
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { useGatehouse } from '../support/gatehouse.js';
import { asksForCode, enrolled, MFA_ACR, mfaRealm, passwordSignIn, textOf, totpAt, type MfaRealm } from './mfa-support.js';

const gh = useGatehouse();
const DAYS = 30;
const DAY_MS = 86_400_000;
const COOKIE = 'gh_mfa_remember';
const realmUrl = (r: MfaRealm) => `${gh().url}/realms/${r.realm.name}/`;

/** Signs in with password + TOTP, ticking "Remember this browser"; returns that browser. */
async function rememberedBrowser(r: MfaRealm, user: Awaited<ReturnType<typeof enrolled>>) {
  const { browser, page, finish } = await passwordSignIn(gh(), r, user);
  expect(textOf(page.html)).toContain(`Remember this browser for ${DAYS} days`);
  const tokens = await finish(await browser.submit(page, '/mfa/totp', { code: totpAt(user.secret), remember: 'yes' }));
  expect(tokens.claims()!.amr).toContain('mfa');
  return browser;
}

/** The browser after its session ended (signed out, expired): only the remember cookie kept. */
async function withOnly(browser: Browser, name: string) {
  const kept = (await browser.jar.getCookies(gh().url, { allPaths: true })).filter((c) => c.key === name);
  await browser.jar.removeAllCookies();
  for (const c of kept) await browser.jar.setCookie(c, gh().url);
  return browser;
}

/** A browser holding `value` as the remember cookie of realm `r`. */
async function browserWith(r: MfaRealm, value: string) {
  const browser = new Browser(gh().url);
  await browser.jar.setCookie(`${COOKIE}=${value}; Path=/realms/${r.realm.name}; HttpOnly; SameSite=Lax`, realmUrl(r));
  return browser;
}

const cookieOf = async (browser: Browser, r: MfaRealm) => (await browser.jar.getCookies(realmUrl(r))).find((c) => c.key === COOKIE);

describe('remember this browser', () => {
  it('the same browser is not asked for a code (and claims no second factor); another browser is', async () => {
    const r = await mfaRealm(gh(), 'required', null, { mfaRememberDays: DAYS });
    const user = await enrolled(gh(), r);
    const browser = await rememberedBrowser(r, user);
    const cookie = (await cookieOf(browser, r))!;
    expect(cookie).toMatchObject({ path: `/realms/${r.realm.name}`, httpOnly: true, sameSite: 'lax' });
    // It names the user and holds a MAC, nothing else.
    expect(cookie.value).toMatch(new RegExp(`^v1\\.${user.id}\\.\\d+\\.[A-Za-z0-9_-]{43}$`));
    expect(cookie.TTL() / DAY_MS).toBeCloseTo(DAYS, 0);

    const again = await passwordSignIn(gh(), r, user, { browser: await withOnly(browser, COOKIE) });
    expect(again.page.html).not.toContain('name="password"');
    expect(asksForCode(again.page.html)).toBe(false);
    const claims = (await again.finish(again.page)).claims()!;
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.acr).not.toBe(MFA_ACR);

    const other = await passwordSignIn(gh(), r, user);
    expect(asksForCode(other.page.html)).toBe(true);
    const audit = await gh().prisma.auditEvent.count({ where: { realmId: r.realm.id, action: 'mfa.browser_remembered' } });
    expect(audit).toBe(1);
  });

  it('without the box ticked nothing is remembered; a realm with 0 days offers no box', async () => {
    const r = await mfaRealm(gh(), 'required', null, { mfaRememberDays: DAYS });
    const user = await enrolled(gh(), r);
    const first = await passwordSignIn(gh(), r, user);
    await first.finish(await first.browser.submit(first.page, '/mfa/totp', { code: totpAt(user.secret) }));
    expect(await cookieOf(first.browser, r)).toBeUndefined();

    const off = await mfaRealm(gh(), 'required');
    const offUser = await enrolled(gh(), off);
    const page = (await passwordSignIn(gh(), off, offUser)).page;
    expect(asksForCode(page.html)).toBe(true);
    expect(page.html).not.toContain('name="remember"');
  });

  it('expires after the realm’s days', async () => {
    const r = await mfaRealm(gh(), 'required', null, { mfaRememberDays: DAYS });
    const user = await enrolled(gh(), r);
    const { mfaRemember } = gh().services;
    const old = await mfaRemember.issue(r.scope, user.id, Date.now() - DAYS * DAY_MS - 60_000);
    const young = await mfaRemember.issue(r.scope, user.id, Date.now() - DAYS * DAY_MS + 3_600_000);
    expect(asksForCode((await passwordSignIn(gh(), r, user, { browser: await browserWith(r, old!.value) })).page.html)).toBe(true);
    expect(asksForCode((await passwordSignIn(gh(), r, user, { browser: await browserWith(r, young!.value) })).page.html)).toBe(false);
  });

  it('stops working when a factor is removed or the password changes', async () => {
    const r = await mfaRealm(gh(), 'required', null, { mfaRememberDays: DAYS });
    const realm = gh().services.forRealm(r.realm);
    const user = await enrolled(gh(), r);
    const kept = (await cookieOf(await rememberedBrowser(r, user), r))!.value;
    // The recovery codes stay: the user still has a factor to be asked for.
    expect(await realm.mfa.remove(user.id, 'totp', { actor: 'test' })).toBe(true);
    const afterRemoval = await passwordSignIn(gh(), r, user, { browser: await browserWith(r, kept) });
    expect(afterRemoval.page.html).toContain('/mfa/recovery_code"');

    const second = await enrolled(gh(), r);
    const secondKept = (await cookieOf(await rememberedBrowser(r, second), r))!.value;
    const password = 'another long passphrase 42';
    expect(await realm.userAdmin.setPassword(second.id, { password }, { actor: 'test' })).toBe(true);
    expect(asksForCode((await passwordSignIn(gh(), r, { email: second.email, password }, { browser: await browserWith(r, secondKept) })).page.html)).toBe(true);
  });

  it('never for another user, and never in another realm', async () => {
    const a = await mfaRealm(gh(), 'required', null, { mfaRememberDays: DAYS });
    const b = await mfaRealm(gh(), 'required', null, { mfaRememberDays: DAYS });
    const user = await enrolled(gh(), a);
    const value = (await cookieOf(await rememberedBrowser(a, user), a))!.value;
    const colleague = await enrolled(gh(), a);
    expect(asksForCode((await passwordSignIn(gh(), a, colleague, { browser: await browserWith(a, value) })).page.html)).toBe(true);
    // The colleague's id on the user's MAC: refused too.
    const swapped = value.replace(user.id, colleague.id);
    expect(asksForCode((await passwordSignIn(gh(), a, colleague, { browser: await browserWith(a, swapped) })).page.html)).toBe(true);
    // Realm B: the same cookie value sent to B's path, for a user of B with the same id in the cookie's place.
    const inB = await enrolled(gh(), b, user.email);
    expect(asksForCode((await passwordSignIn(gh(), b, inB, { browser: await browserWith(b, value.replace(user.id, inB.id)) })).page.html)).toBe(true);
    expect(asksForCode((await passwordSignIn(gh(), b, inB, { browser: await browserWith(b, value) })).page.html)).toBe(true);
    // The browser keeps A's cookie to A's path: B never receives it.
    const browser = await browserWith(a, value);
    expect(await browser.jar.getCookieString(`${gh().url}/realms/${b.realm.name}/auth`)).not.toContain(COOKIE);
  });

  it('step-up (acr_values asking for MFA) still asks for the code', async () => {
    const r = await mfaRealm(gh(), 'required', null, { mfaRememberDays: DAYS });
    const user = await enrolled(gh(), r);
    const browser = await withOnly(await rememberedBrowser(r, user), COOKIE);
    const stepUp = await passwordSignIn(gh(), r, user, { browser, extra: { acr_values: MFA_ACR } });
    expect(asksForCode(stepUp.page.html)).toBe(true);
    const claims = (await stepUp.finish(await browser.submit(stepUp.page, '/mfa/totp', { code: totpAt(user.secret, 30) }))).claims()!;
    expect(claims.acr).toBe(MFA_ACR);
  });

  it('max_age and prompt=login (a fresh authentication) ask for the code too', async () => {
    const r = await mfaRealm(gh(), 'required', null, { mfaRememberDays: DAYS });
    const user = await enrolled(gh(), r);
    const browser = await withOnly(await rememberedBrowser(r, user), COOKIE);
    expect(asksForCode((await passwordSignIn(gh(), r, user, { browser, extra: { max_age: '0' } })).page.html)).toBe(true);
    expect(asksForCode((await passwordSignIn(gh(), r, user, { browser, extra: { prompt: 'login' } })).page.html)).toBe(true);
    // Control: the same browser without them is not asked.
    expect(asksForCode((await passwordSignIn(gh(), r, user, { browser })).page.html)).toBe(false);
  });

  it('lowering the days to 0 ends remembered browsers at once; more than 90 is refused', async () => {
    const r = await mfaRealm(gh(), 'required', null, { mfaRememberDays: DAYS });
    const user = await enrolled(gh(), r);
    const value = (await cookieOf(await rememberedBrowser(r, user), r))!.value;
    await expect(gh().services.realms.update(r.realm, { mfaRememberDays: 91 }, { actor: 'test' })).rejects.toMatchObject({ status: 400 });
    await gh().services.realms.update(r.realm, { mfaRememberDays: 0 }, { actor: 'test' });
    expect(asksForCode((await passwordSignIn(gh(), r, user, { browser: await browserWith(r, value) })).page.html)).toBe(true);
  });
});
