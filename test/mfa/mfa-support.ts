// What the MFA tests share: TOTP codes from an implementation independent of the otplib the
// server uses (test/support/totp.ts: Debian's oathtool, or RFC 6238 on node:crypto), a realm with an MFA policy and an app, a sign-in that can carry
// acr_values / max_age, and a user enrolled directly through the services.
import { expect } from 'vitest';
import { Browser, type Page } from '../support/browser.js';
import { buildApp, buildUser, unique } from '../support/builders.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { discover, oidc } from '../support/relying-party.js';
import { confirmWithPreviousStep, totpCode } from '../support/totp.js';

export const REDIRECT = 'http://localhost:8080/cb';
export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
type Policy = 'off' | 'optional' | 'required';

/** The RFC 6238 code for `secret` (base32) at now + offsetSeconds. */
export const totpAt = (secret: string, offsetSeconds = 0) => totpCode(secret, Math.floor(Date.now() / 1000) + offsetSeconds);

export async function mfaRealm(gh: TestGatehouse, mfa: Policy, appMfa: Policy | null = null, settings: { mfaRememberDays?: number } = {}) {
  const realm = await gh.services.realms.create({ name: unique('mfa'), mfa, ...settings }, null, { actor: 'test' });
  const { app, clientSecret } = await buildApp(gh, realm, { mfa: appMfa });
  const config = await discover(`${gh.url}/realms/${realm.name}`, app.clientId, clientSecret);
  return { realm, app, config, scope: gh.services.forRealm(realm).scope };
}
export type MfaRealm = Awaited<ReturnType<typeof mfaRealm>>;

export const newUser = (gh: TestGatehouse, r: MfaRealm, email?: string) => buildUser(gh, r.realm, email ? { email } : {});

/** A user with TOTP (confirmed one step in the past, so codes of now and later steps are fresh) and recovery codes. */
export async function enrolled(gh: TestGatehouse, r: MfaRealm, email?: string) {
  const user = await newUser(gh, r, email);
  const { totp, recoveryCodes } = gh.services.mfaMethods;
  const pending = await totp.begin(r.scope, user);
  expect(await confirmWithPreviousStep(pending!.secret, (code) => totp.check(r.scope, user.id, code, 'confirm'))).toBe(true);
  const codes = await recoveryCodes.generate(r.scope, user.id);
  return { ...user, secret: pending!.secret, codes };
}

/** Starts the code flow and signs in with the password; `page` is what follows the password. */
export async function passwordSignIn(gh: TestGatehouse, r: MfaRealm, user: { email: string; password: string }, opts: { browser?: Browser; extra?: Record<string, string> } = {}) {
  const browser = opts.browser ?? new Browser(gh.url);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(r.config, { redirect_uri: REDIRECT, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, ...opts.extra });
  let page: Page & { leftTo?: string } = await browser.navigate(url.href);
  if (page.html.includes('name="password"')) page = await browser.submit(page, '/login', { email: user.email, password: user.password });
  const finish = async (at: Page & { leftTo?: string }) => {
    let current = at;
    if (!current.leftTo && current.html.includes('/consent"')) current = await browser.submit(current, '/consent');
    if (!current.leftTo) throw new Error(`the sign-in did not return to the client (${current.status}):\n${current.html.slice(0, 1500)}`);
    return oidc.authorizationCodeGrant(r.config, new URL(current.leftTo), { pkceCodeVerifier: verifier, expectedState: state });
  };
  return { browser, page, finish };
}

export const asksForCode = (html: string) => html.includes('/mfa/totp"') || html.includes('/mfa/recovery_code"');
export const textOf = (html: string) => html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
export const secretOn = (html: string) => /<code id="totp-secret">([A-Z2-7]+)<\/code>/.exec(html)?.[1];
export const codesOn = (html: string) => [...html.matchAll(/<li><code>([0-9a-z]{5}-[0-9a-z]{5})<\/code><\/li>/g)].map((m) => m[1]!);
