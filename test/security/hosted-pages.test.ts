// The hosted sign-in pages as a user (and an attacker) sees them: CSRF on every form, no open
// redirect, escaped output, friendly error pages, the OIDC prompts (none, login, max_age, consent)
// and what each answer sends back to the application.
import { describe, expect, it } from 'vitest';
import { Browser, formOn } from '../support/browser.js';
import { buildApp } from '../support/builders.js';
import { discover, oidc } from '../support/relying-party.js';
import { authorization, callbackParams, csrfTokenOn, errorBanner, expectFriendlyPage, isConsentPage, isLoginPage, setUpRealm } from './support.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();

const XSS = '<script>alert(1)</script>';
/** Any script tag but the page's own module files from /static/ (the login page loads the passkey script). */
const INJECTED_SCRIPT = /<script(?! type="module" src="\/static\/js\/[a-z-]+\.js"><\/script>)/i;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Signs in through the login page (and the consent page when it appears); returns the tokens. */
async function signInWith(browser: Browser, config: oidc.Configuration, user: { email: string; password: string }, params: Record<string, string> = {}) {
  const auth = await authorization(config, params);
  let page = await browser.navigate(auth.url);
  const seen: string[] = [];
  for (let step = 0; step < 3 && !page.leftTo; step++) {
    seen.push(isLoginPage(page) ? 'login' : isConsentPage(page) ? 'consent' : `other ${page.status}`);
    if (isLoginPage(page)) page = await browser.submit(page, '/login', { email: user.email, password: user.password });
    else if (isConsentPage(page)) page = await browser.submit(page, '/consent');
    else break;
  }
  return { seen, page, tokens: await auth.redeem(page.leftTo), auth };
}

describe('CSRF', () => {
  it('puts a CSRF token in every form of the login page', async () => {
    const { config, browser } = await setUpRealm(gh());
    const page = await browser.navigate((await authorization(config)).url);
    expectFriendlyPage(page, 200);
    expect(isLoginPage(page)).toBe(true);
    const forms = [...page.html.matchAll(/<form\b[\s\S]*?<\/form>/g)].map(([f]) => f);
    expect(forms).toHaveLength(2); // sign in, cancel
    for (const form of forms) expect(form).toMatch(/<input type="hidden" name="_csrf" value="[^"]{20,}">/);
  });

  it.each([
    ['without a token', {}],
    ['with a forged token', { _csrf: 'forged-token-value' }],
  ])('refuses a login post %s with a friendly 403 page and does not sign the user in', async (_name, csrf: Record<string, string>) => {
    const { config, browser, user, issuer } = await setUpRealm(gh());
    const page = await browser.navigate((await authorization(config)).url);
    const form = formOn(page.html, '/login');
    const refused = await browser.navigate(new URL(form.action, page.url).href, { form: { email: user.email, password: user.password, ...csrf } });
    expectFriendlyPage(refused, 403);
    expect(refused.html).toContain('The form expired or was not sent from this site');
    expect(refused.html).toContain('csrf_invalid');

    // Not signed in: the sign-in page is still waiting, and a silent authorization needs a login.
    expect(isLoginPage(await browser.navigate(page.url))).toBe(true);
    const silent = await authorization(config, { prompt: 'none' });
    expect(callbackParams(await browser.navigate(silent.url))).toMatchObject({ error: 'login_required', state: silent.state, iss: issuer });
    expect(await gh().prisma.auditEvent.count({ where: { action: 'login.success', target: `user:${user.id}` } })).toBe(0);
  });

  it('refuses a token issued for another sign-in', async () => {
    const { config, browser, user } = await setUpRealm(gh());
    const first = await browser.navigate((await authorization(config)).url);
    const other = await new Browser(gh().url).navigate((await authorization(config)).url);
    const res = await browser.submit(first, '/login', { email: user.email, password: user.password, _csrf: csrfTokenOn(other.html, '/login')! });
    expectFriendlyPage(res, 403);
  });

  it('gives each sign-in open in one browser its own CSRF cookie, on its own path, for about its lifetime', async () => {
    const { config, browser } = await setUpRealm(gh());
    const first = await browser.navigate((await authorization(config)).url);
    const second = await browser.navigate((await authorization(config)).url);
    for (const page of [first, second]) {
      const cookies = (await browser.jar.getCookies(page.url)).filter((c) => c.key === 'gh_csrf');
      // The double-submit pair of each page is intact: the second sign-in did not replace the first's cookie.
      expect(cookies.map((c) => ({ path: c.path, value: c.value }))).toEqual([{ path: new URL(page.url).pathname, value: csrfTokenOn(page.html, '/login') }]);
      expect(cookies[0]!.maxAge).toBeGreaterThan(0);
      expect(cookies[0]!.maxAge).toBeLessThanOrEqual(3600);
    }
  });

  // Also needs oidc-provider's interaction cookie scoped to its interaction (cookies.short without
  // a realm-wide path in src/oidc/provider-factory.ts): with one per realm, the older tab's sign-in
  // is "expired" once a newer one starts.
  it('keeps two sign-ins open in one browser apart: the older tab still signs in', async () => {
    const { config, browser, user } = await setUpRealm(gh());
    const firstAuth = await authorization(config);
    const first = await browser.navigate(firstAuth.url);
    const second = await browser.navigate((await authorization(config)).url);
    expect([isLoginPage(first), isLoginPage(second), first.url !== second.url]).toEqual([true, true, true]);

    // The first tab's form still works, and its sign-in goes on to its own consent and code.
    const consent = await browser.submit(first, '/login', { email: user.email, password: user.password });
    expectFriendlyPage(consent, 200);
    expect(isConsentPage(consent)).toBe(true);
    const done = await browser.submit(consent, '/consent');
    expect(callbackParams(done)).toMatchObject({ state: firstAuth.state, code: expect.any(String) });
    expect((await firstAuth.redeem(done.leftTo)).claims()?.sub).toBe(user.id);
    // A finished step's CSRF cookie is dropped; the second sign-in's is still there.
    expect((await browser.jar.getCookies(first.url)).filter((c) => c.key === 'gh_csrf')).toEqual([]);
    expect((await browser.jar.getCookies(second.url)).filter((c) => c.key === 'gh_csrf')).toHaveLength(1);
  });
});

describe('redirects and error pages', () => {
  it('shows an error page, and does not redirect, for a redirect_uri the app has not registered', async () => {
    const { config, browser } = await setUpRealm(gh());
    const page = await browser.navigate((await authorization(config, { redirect_uri: 'https://evil.example/steal' })).url);
    expectFriendlyPage(page, 400);
    expect(page.leftTo).toBeUndefined();
    expect(page.html).toContain('<code>invalid_redirect_uri</code>');
    expect(page.html).toContain('Nothing was sent back to it.');
    expect(page.html).not.toContain('evil.example');
  });

  it('shows a friendly 400 page for an unknown, finished or foreign interaction', async () => {
    const { config, browser, user, issuer } = await setUpRealm(gh());
    const unknown = await browser.navigate(`${issuer}/interaction/no-such-interaction`);
    expectFriendlyPage(unknown, 400);
    expect(unknown.html).toContain('This sign-in has expired');

    const login = await browser.navigate((await authorization(config)).url);
    // Someone else opening this sign-in's address (no interaction cookie) gets the same page.
    const foreign = await new Browser(gh().url).navigate(login.url);
    expectFriendlyPage(foreign, 400);
    expect(foreign.html).toContain('interaction_expired');

    const consent = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(isConsentPage(consent)).toBe(true);
    const stale = await browser.navigate(login.url);
    expectFriendlyPage(stale, 400);
    expect(stale.html).toContain('This sign-in has expired');
  });

  it('never caches the login and consent pages', async () => {
    const { config, browser, user } = await setUpRealm(gh());
    const login = await browser.navigate((await authorization(config)).url);
    expectFriendlyPage(login, 200);
    const consent = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(isConsentPage(consent)).toBe(true);
    expectFriendlyPage(consent, 200);
    expect(consent.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('escaping', () => {
  it('renders a hostile app name escaped on the login and consent pages', async () => {
    const { config, browser, user } = await setUpRealm(gh(), { name: `Evil ${XSS} app` });
    const login = await browser.navigate((await authorization(config)).url);
    const consent = await browser.submit(login, '/login', { email: user.email, password: user.password });
    for (const page of [login, consent]) {
      expectFriendlyPage(page, 200);
      expect(page.html).not.toContain(XSS);
      expect(page.html).not.toMatch(INJECTED_SCRIPT);
      expect(page.html).toContain('<strong>Evil &lt;script&gt;alert(1)&lt;/script&gt; app</strong>');
    }
  });

  it('renders a hostile login_hint and a hostile typed email escaped', async () => {
    const { config, browser } = await setUpRealm(gh());
    const hint = `"><script>alert(1)</script>@example.com`;
    const login = await browser.navigate((await authorization(config, { login_hint: hint })).url);
    expect(isLoginPage(login)).toBe(true);
    expect(login.html).not.toMatch(INJECTED_SCRIPT);
    expect(login.html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.com"');

    const typed = await browser.submit(login, '/login', { email: XSS, password: 'whatever it is' });
    expectFriendlyPage(typed, 400);
    expect(errorBanner(typed.html)).toBe('Enter your email address and password.');
    expect(typed.html).not.toMatch(INJECTED_SCRIPT);
    expect(typed.html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
  });
});

describe('answers sent back to the application', () => {
  it('returns access_denied with the state when the user cancels on the login or the consent page', async () => {
    const { config, browser, user, issuer } = await setUpRealm(gh());
    const atLogin = await authorization(config);
    const login = await browser.navigate(atLogin.url);
    expect(callbackParams(await browser.submit(login, '/abort'))).toMatchObject({ error: 'access_denied', state: atLogin.state, iss: issuer });

    const atConsent = await authorization(config);
    const consent = await browser.submit(await browser.navigate(atConsent.url), '/login', { email: user.email, password: user.password });
    expect(isConsentPage(consent)).toBe(true);
    const denied = callbackParams(await browser.submit(consent, '/abort'));
    expect(denied).toMatchObject({ error: 'access_denied', state: atConsent.state });
    expect(denied.code).toBeUndefined();
  });

  it('says "Incorrect email or password" with 401, the same for a wrong password and an unknown email', async () => {
    const { config, browser, user } = await setUpRealm(gh());
    const login = await browser.navigate((await authorization(config)).url);
    const wrongPassword = await browser.submit(login, '/login', { email: user.email, password: 'not the password' });
    const unknownEmail = await browser.submit(wrongPassword, '/login', { email: `nobody-${user.id}@example.com`, password: user.password });
    for (const page of [wrongPassword, unknownEmail]) {
      expectFriendlyPage(page, 401);
      expect(isLoginPage(page)).toBe(true);
    }
    expect(errorBanner(wrongPassword.html)).toBe('Incorrect email or password.');
    expect(errorBanner(unknownEmail.html)).toBe(errorBanner(wrongPassword.html));
    // The page stays usable: the right password goes on to consent.
    expect(isConsentPage(await browser.submit(unknownEmail, '/login', { email: user.email, password: user.password }))).toBe(true);
  });
});

describe('prompts and re-authentication', () => {
  it('prompt=none: login_required without a session, a code once signed in', async () => {
    const { config, browser, user, issuer } = await setUpRealm(gh());
    const before = await authorization(config, { prompt: 'none' });
    expect(callbackParams(await browser.navigate(before.url))).toMatchObject({ error: 'login_required', state: before.state, iss: issuer });

    await signInWith(browser, config, user);
    const after = await authorization(config, { prompt: 'none' });
    const page = await browser.navigate(after.url);
    expect(callbackParams(page)).toMatchObject({ state: after.state, code: expect.any(String) });
    expect((await after.redeem(page.leftTo)).claims()?.sub).toBe(user.id);
  });

  it('prompt=login shows the login page again to a signed-in user', async () => {
    const { config, browser, user } = await setUpRealm(gh());
    await signInWith(browser, config, user);
    expect((await browser.navigate((await authorization(config)).url)).leftTo).toBeDefined();
    const again = await browser.navigate((await authorization(config, { prompt: 'login' })).url);
    expectFriendlyPage(again, 200);
    expect(isLoginPage(again)).toBe(true);
  });

  it('max_age asks for the password again once the last sign-in is older', async () => {
    const { config, browser, user } = await setUpRealm(gh());
    // With max_age, the ID token must carry auth_time (OpenID Connect Core §3.1.2.1).
    const first = await signInWith(browser, config, user, { max_age: '60' });
    const authTime = first.tokens.claims()!.auth_time!;
    const recent = await browser.navigate((await authorization(config, { max_age: '60' })).url);
    expect(recent.leftTo).toBeDefined();

    await sleep(2100);
    const stale = await authorization(config, { max_age: '1' });
    const page = await browser.navigate(stale.url);
    expect(isLoginPage(page)).toBe(true);
    const reauth = await browser.submit(page, '/login', { email: user.email, password: user.password });
    expect((await stale.redeem(reauth.leftTo)).claims()!.auth_time!).toBeGreaterThan(authTime);
  });

  it('echoes the nonce in the ID token', async () => {
    const { config, browser, user } = await setUpRealm(gh());
    const { tokens, auth } = await signInWith(browser, config, user);
    expect(tokens.claims()?.nonce).toBe(auth.nonce);
  });
});

describe('consent', () => {
  it('is remembered per app and scopes, and asks again only for what is new', async () => {
    const { config, browser, user, realm, issuer } = await setUpRealm(gh());
    const first = await signInWith(browser, config, user, { scope: 'openid profile' });
    expect(first.seen).toEqual(['login', 'consent']);

    const same = await signInWith(browser, config, user, { scope: 'openid profile' });
    expect(same.seen).toEqual([]);

    const more = await browser.navigate((await authorization(config, { scope: 'openid profile email' })).url);
    expect(isConsentPage(more)).toBe(true);
    expect(listedScopes(more.html)).toEqual(['See your email address']);

    // Another app of the same realm, same session: its own consent.
    const { app: other, clientSecret } = await buildApp(gh(), realm, { name: 'Other app' });
    const otherConfig = await discover(issuer, other.clientId, clientSecret);
    const elsewhere = await signInWith(browser, otherConfig, user, { scope: 'openid profile' });
    expect(elsewhere.seen).toEqual(['consent']);
  });

  it('is never asked for a first-party app', async () => {
    const { config, browser, user } = await setUpRealm(gh(), { firstParty: true });
    const { seen, tokens } = await signInWith(browser, config, user, { scope: 'openid profile email' });
    expect(seen).toEqual(['login']);
    expect(tokens.claims()).toMatchObject({ sub: user.id });
    expect((await signInWith(browser, config, user, { scope: 'openid profile email' })).seen).toEqual([]);
  });

  it('gives a refresh token for offline_access only with prompt=consent', async () => {
    const { config, browser, user } = await setUpRealm(gh());
    const withoutPrompt = await signInWith(browser, config, user, { scope: 'openid offline_access' });
    expect(withoutPrompt.tokens.refresh_token).toBeUndefined();

    const auth = await authorization(config, { scope: 'openid offline_access', prompt: 'consent' });
    const consent = await browser.navigate(auth.url);
    expect(isConsentPage(consent)).toBe(true);
    expect(listedScopes(consent.html)).toContain('Stay signed in (keep access while you are away)');
    const tokens = await auth.redeem((await browser.submit(consent, '/consent')).leftTo);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect((await oidc.refreshTokenGrant(config, tokens.refresh_token!)).access_token).toEqual(expect.any(String));
  });
});

/** The consent page's list of what the app asks for, as the user reads it. */
function listedScopes(html: string): string[] {
  const list = /<ul class="scopes">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>([^<]*)<\/li>/g)].map(([, s]) => s!);
}

