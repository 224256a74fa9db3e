// A relying party built on openid-client 6 (certified, strict): discovery, PKCE, state, nonce
// and ID token validation are the library's, so a pass means a conformant client accepts us.
import * as oidc from 'openid-client';
import { Browser } from './browser.js';

export async function discover(issuer: string, clientId: string, clientSecret?: string) {
  return oidc.discovery(new URL(issuer), clientId, clientSecret, clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface SignInOptions {
  email: string;
  password: string;
  redirectUri: string;
  scope?: string;
  prompt?: string;
  extra?: Record<string, string>;
  browser?: Browser;
  /** Answer the consent page (default true when it appears). */
  consent?: boolean;
}

/** Runs the authorization code flow through the hosted pages; returns tokens and what the user saw. */
export async function signIn(config: oidc.Configuration, origin: string, opts: SignInOptions) {
  const browser = opts.browser ?? new Browser(origin);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: opts.redirectUri,
    scope: opts.scope ?? 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
    ...opts.extra,
  });
  const pages: string[] = [];
  let page = await browser.navigate(url.href);
  for (let step = 0; step < 4 && !page.leftTo; step++) {
    pages.push(page.html);
    if (page.html.includes('name="password"')) page = await browser.submit(page, '/login', { email: opts.email, password: opts.password });
    else if (page.html.includes('/consent"') && opts.consent !== false) page = await browser.submit(page, '/consent');
    else break;
  }
  if (!page.leftTo) throw new Error(`sign-in did not return to the client (status ${page.status}):\n${page.html.slice(0, 1500)}`);
  const callback = new URL(page.leftTo);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  return { tokens, browser, pages, callback };
}

export { oidc };
