// 5 wrong codes end the sign-in and the browser's session: the app gets access_denied and the
// next authorization request on that browser asks for the password again (before, the session
// the password opened lived on and went straight to the code page).
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from '../support/browser.js';
import { useGatehouse } from '../support/gatehouse.js';
import { oidc } from '../support/relying-party.js';
import { asksForCode, enrolled, mfaRealm, passwordSignIn, REDIRECT, totpAt, type MfaRealm } from './mfa-support.js';

const gh = useGatehouse();

/** A new authorization request's first page on `browser`. */
async function authorize(r: MfaRealm, browser: Browser) {
  const url = oidc.buildAuthorizationUrl(r.config, { redirect_uri: REDIRECT, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256', state: oidc.randomState() });
  return browser.navigate(url.href);
}

/** The authorization code the app receives after `page` (consent given if asked), or null. */
async function codeAfter(browser: Browser, page: Page & { leftTo?: string }) {
  const final = !page.leftTo && page.html.includes('/consent"') ? await browser.submit(page, '/consent') : page;
  return final.leftTo ? new URL(final.leftTo).searchParams.get('code') : null;
}

describe('5 wrong codes', () => {
  it('end the browser session: the next sign-in asks for the password again', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await enrolled(gh(), r);
    const { browser, page } = await passwordSignIn(gh(), r, user);
    // While the sign-in is alive, a new request on this browser skips the password.
    const meanwhile = await authorize(r, browser);
    expect(meanwhile.html).not.toContain('name="password"');
    expect(asksForCode(meanwhile.html)).toBe(true);

    let current = page;
    for (let i = 1; i <= 5; i++) current = await browser.submit(current, '/mfa/totp', { code: '000000' });
    expect(current.status).toBe(429);
    const back = /href="([^"]+)">Back to the application/.exec(current.html)![1]!.replace(/&amp;/g, '&');
    const left = await browser.navigate(new URL(back, gh().url).href);
    expect(new URL(left.leftTo!).searchParams.get('error')).toBe('access_denied');

    const next = await authorize(r, browser);
    expect(next.status).toBe(200);
    expect(next.html).toContain('name="password"');
    expect(asksForCode(next.html)).toBe(false);
    // The password then leads to the code again, and a right code finishes.
    const login = await browser.submit(next, '/login', { email: user.email, password: user.password });
    expect(asksForCode(login.html)).toBe(true);
    expect(await codeAfter(browser, await browser.submit(login, '/mfa/totp', { code: totpAt(user.secret) }))).toEqual(expect.any(String));
  });

  it('the other sign-in pages of that browser end with it', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await enrolled(gh(), r);
    const { browser, page } = await passwordSignIn(gh(), r, user);
    const otherTab = await authorize(r, browser);
    let current = page;
    for (let i = 1; i <= 5; i++) current = await browser.submit(current, '/mfa/totp', { code: '000000' });
    // The other tab's code page belonged to the ended session: a right code there does not sign in.
    const attempt = await browser.submit(otherTab, '/mfa/totp', { code: totpAt(user.secret) });
    expect(await codeAfter(browser, attempt)).toBeNull();
  });
});
