// Helpers for the security and OIDC tests: a realm with an app and a user, authorization requests
// whose state/nonce/PKCE the test keeps, raw form posts from a chosen source address, and the
// checks every hosted page must pass (HTML, never cached, no internals).
import { expect } from 'vitest';
import type { Page } from '../support/browser.js';
import { Browser, formOn } from '../support/browser.js';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { discover, oidc } from '../support/relying-party.js';

export const REDIRECT = 'http://localhost:8080/cb';

type AppOverrides = Parameters<typeof buildApp>[2];

/** A fresh realm with one app (web by default) and one user, and a relying party configured for it. */
export async function setUpRealm(gh: TestGatehouse, appOverrides: AppOverrides = {}) {
  const realm = await buildRealm(gh);
  const { app, clientSecret } = await buildApp(gh, realm, appOverrides);
  const user = await buildUser(gh, realm);
  const issuer = `${gh.url}/realms/${realm.name}`;
  const config = await discover(issuer, app.clientId, clientSecret);
  return { realm, app, clientSecret, user, issuer, config, browser: new Browser(gh.url) };
}

/** An authorization request (code + PKCE S256, state, nonce); `redeem` exchanges the callback it ends in. */
export async function authorization(config: oidc.Configuration, params: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  }).href;
  const redeem = (leftTo: string | undefined) => {
    if (!leftTo) throw new Error('the authorization did not return to the client');
    return oidc.authorizationCodeGrant(config, new URL(leftTo), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  };
  return { url, state, nonce, redeem };
}

/** The query parameters of the client callback the browser was sent to. */
export function callbackParams(page: { leftTo?: string }): Record<string, string> {
  expect(page.leftTo, 'expected a redirect back to the client').toMatch(new RegExp(`^${REDIRECT}\\?`));
  return Object.fromEntries(new URL(page.leftTo!).searchParams);
}

export const isLoginPage = (page: Page) => page.html.includes('name="password"');
export const isConsentPage = (page: Page) => page.html.includes('Allow access?');

/** The text of the page's error banner (what the user reads), if any. */
export const errorBanner = (html: string) => /<div class="error" role="alert"[^>]*>([^<]*)<\/div>/.exec(html)?.[1];

/** The CSRF token in the page's first form posting to `actionPart`. */
export const csrfTokenOn = (html: string, actionPart: string) => formOn(html, actionPart).fields._csrf;

/** A hosted HTML page with this status: never cached, and nothing internal (stack, paths, error classes) in it. */
export function expectFriendlyPage(page: { status: number; headers: Headers; html: string }, status: number) {
  expect({ status: page.status, type: page.headers.get('content-type'), cache: page.headers.get('cache-control') }).toEqual({
    status, type: 'text/html; charset=utf-8', cache: 'no-store',
  });
  expect(page.headers.get('location')).toBeNull();
  expect(page.html).toMatch(/^<!doctype html>/i);
  expect(page.html).not.toMatch(/\bat .+:\d+:\d+|node_modules|[A-Za-z]+Error\b|EBADCSRFTOKEN|\/src\//);
}

/** Raw answer to a request, with its body read. */
export interface Answer {
  status: number;
  headers: Headers;
  html: string;
}

/**
 * Posts the page's form (`actionPart`) with `fields`, as the browser whose cookies it carries but from
 * the source address `ip` (X-Forwarded-For, honoured only when TRUST_PROXY trusts a hop). Does not follow redirects.
 */
export async function postFormFrom(browser: Browser, page: Page, actionPart: string, fields: Record<string, string>, headers: Record<string, string>): Promise<Answer> {
  const form = formOn(page.html, actionPart);
  const url = new URL(form.action, page.url).href;
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: await browser.jar.getCookieString(url), ...headers },
    body: new URLSearchParams({ ...form.fields, ...fields }).toString(),
  });
  return { status: res.status, headers: res.headers, html: await res.text() };
}
