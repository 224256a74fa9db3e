// What the account tests share: a realm with the account pages on, an app, and a sign-in
// started through the hosted pages (the interaction the account pages live in).
import type { TestGatehouse } from '../support/gatehouse.js';
import { Browser, type Page } from '../support/browser.js';
import { buildApp, unique } from '../support/builders.js';
import { discover, oidc } from '../support/relying-party.js';
import type { CreateRealmInput } from '../../src/modules/realms/realms.schemas.js';

export const REDIRECT = 'http://localhost:8080/cb';

export async function accountRealm(gh: TestGatehouse, settings: Partial<CreateRealmInput> = {}) {
  const realm = await gh.services.realms.create({ name: unique('realm'), signUp: 'enabled', magicLink: 'enabled', ...settings }, null, { actor: 'test' });
  const { app, clientSecret } = await buildApp(gh, realm);
  const issuer = `${gh.url}/realms/${realm.name}`;
  const config = await discover(issuer, app.clientId, clientSecret);
  return { realm, app, clientSecret: clientSecret!, config, issuer };
}

/** Starts the code flow in `browser`: the login page, and how to redeem where the flow ends. */
export async function startSignIn(gh: TestGatehouse, config: oidc.Configuration, browser = new Browser(gh.url), scope = 'openid email offline_access', prompt = 'consent') {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, prompt });
  const page = await browser.navigate(url.href);
  /** Allows consent when asked, then redeems the code at the client. */
  const finish = async (at: Page & { leftTo?: string }) => {
    let current = at;
    if (!current.leftTo && current.html.includes('/consent"')) current = await browser.submit(current, '/consent');
    if (!current.leftTo) throw new Error(`the sign-in did not return to the client (${current.status}):\n${current.html.slice(0, 1500)}`);
    return oidc.authorizationCodeGrant(config, new URL(current.leftTo), { pkceCodeVerifier: verifier, expectedState: state });
  };
  return { browser, page, finish };
}

/** The visible text of a page (tags stripped, whitespace collapsed). */
export const textOf = (html: string) => html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();

/** The page's <main> without per-request values (CSRF token, interaction uid), to compare two answers. */
export const comparable = (html: string) => textOf(html.replace(/value="[^"]*"/g, '').replace(/\/interaction\/[^/"]+/g, '/interaction/UID'));
