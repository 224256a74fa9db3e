// What the passkey tests share: a passkey registered for a user through the service (the
// software authenticator answers the options), the JSON calls the page scripts make, read from
// the data attributes of the page, with the browser's cookies.
import { Browser as BrowserAgent, type Browser, type Page } from '../support/browser.js';
import { oidc } from '../support/relying-party.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { SoftwareAuthenticator, type SoftwareAuthenticatorOptions } from '../support/software-authenticator.js';
import { REDIRECT, type MfaRealm } from '../mfa/mfa-support.js';

/** Registers a software passkey for `user` in the realm. */
export async function withPasskey(gh: TestGatehouse, r: Pick<MfaRealm, 'scope'>, user: { id: string; email: string }, opts: Partial<SoftwareAuthenticatorOptions> = {}) {
  const authenticator = new SoftwareAuthenticator({ origin: gh.url, ...opts });
  const { passkeys } = gh.services;
  const holder = `test:${user.id}`;
  const started = await passkeys.registrationOptions(r.scope, user, holder);
  if (!started.ok) throw new Error(started.code);
  const done = await passkeys.verifyRegistration(r.scope, user.id, holder, authenticator.register(started.options), '', { actor: 'test' });
  if (!done.ok) throw new Error(done.code);
  return { authenticator, passkey: done.passkey };
}

const attr = (html: string, boxId: string, name: string) => {
  const box = new RegExp(`<div id="${boxId}"[^>]*>`).exec(html)?.[0];
  const value = box && new RegExp(`${name}="([^"]*)"`).exec(box)?.[1];
  if (!value) throw new Error(`no ${name} on #${boxId} in:\n${html.slice(0, 1500)}`);
  return value.replace(/&amp;/g, '&');
};

/** The passkey box of a page: where its script asks for options and posts the credential. */
export const passkeyBox = (page: Page, boxId: string) => ({
  optionsUrl: new URL(attr(page.html, boxId, 'data-options-url'), page.url).href,
  verifyUrl: new URL(attr(page.html, boxId, 'data-verify-url'), page.url).href,
  csrf: attr(page.html, boxId, 'data-csrf'),
});

/** POSTs JSON as the page script does (cookies of `browser`, CSRF token in the body). */
export async function postJson(browser: Browser, url: string, csrf: string, body: unknown = {}, raw?: string) {
  const cookie = await browser.jar.getCookieString(url);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(cookie ? { cookie } : {}) },
    body: raw ?? JSON.stringify({ _csrf: csrf, ...(body as object) }),
    redirect: 'manual',
  });
  for (const c of res.headers.getSetCookie()) await browser.jar.setCookie(c, url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json().catch(() => ({}))) as Record<string, unknown> & { code?: string; detail?: string; redirect?: string; challenge?: string } };
}

/** The ID token's claims, as the client read them. */
export const claimsOf = (tokens: { claims(): Record<string, unknown> | undefined }) => tokens.claims()!;

/** Starts the code flow (PKCE) at the login page; `finish` follows a redirect URL to the tokens. */
export async function startSignIn(gh: TestGatehouse, r: MfaRealm, browser = new BrowserAgent(gh.url)) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(r.config, { redirect_uri: REDIRECT, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
  const page = await browser.navigate(url.href);
  const finish = async (redirect: string) => {
    let current = await browser.navigate(new URL(redirect, gh.url).href);
    if (!current.leftTo && current.html.includes('/consent"')) current = await browser.submit(current, '/consent');
    if (!current.leftTo) throw new Error(`the sign-in did not return to the client (${current.status}):\n${current.html.slice(0, 1500)}`);
    return oidc.authorizationCodeGrant(r.config, new URL(current.leftTo), { pkceCodeVerifier: verifier, expectedState: state });
  };
  return { browser, page, finish };
}
