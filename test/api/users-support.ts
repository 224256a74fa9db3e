// User-management test helpers: a developer's realm made through the API with one web app, users
// made through the API, and a user signed in through the hosted login whose tokens can be checked
// at /token (refresh), userinfo and introspection.
import request from 'supertest';
import { expect } from 'vitest';
import { buildApp, unique } from '../support/builders.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { Browser } from '../support/browser.js';
import { discover, oidc, signIn } from '../support/relying-party.js';
import { bearer } from './support.js';

export const REDIRECT = 'http://localhost:8080/cb';
export const PASSWORD = 'correct horse battery';

/** A realm owned by the key's developer, with a web app and its openid-client configuration. */
export async function buildManagedRealm(gh: TestGatehouse, key: string) {
  const created = await request(gh.url).post('/api/v1/realms').set(bearer(key)).send({ name: unique('users') });
  expect(created.status).toBe(201);
  const realm = (await gh.services.realms.findByName(created.body.name as string))!;
  const { app, clientSecret } = await buildApp(gh, realm);
  const config = await discover(`${gh.url}/realms/${realm.name}`, app.clientId, clientSecret);
  return { realm, name: realm.name, config };
}

export type ManagedRealm = Awaited<ReturnType<typeof buildManagedRealm>>;

/** A user made through the API (with a password unless `password: undefined`). */
export async function createUser(gh: TestGatehouse, key: string, realm: string, over: Record<string, unknown> = {}) {
  const body = { email: `${unique('user')}@example.com`, password: PASSWORD, emailVerified: true, name: 'Managed User', ...over };
  const res = await request(gh.url).post(`/api/v1/realms/${realm}/users`).set(bearer(key)).send(body);
  expect(res.status, res.text).toBe(201);
  return { ...(res.body as { id: string; email: string; name: string | null; emailVerified: boolean; disabled: boolean }), password: body.password as string | undefined };
}

/** Signs in through the hosted login (code flow, offline_access): tokens and the browser holding the session. */
export async function signedIn(gh: TestGatehouse, realm: ManagedRealm, user: { email: string }, password = PASSWORD) {
  const { tokens, browser } = await signIn(realm.config, gh.url, { email: user.email, password, redirectUri: REDIRECT, scope: 'openid email offline_access', prompt: 'consent' });
  expect(tokens.refresh_token).toBeTruthy();
  return { tokens, browser };
}

type Tokens = Awaited<ReturnType<typeof signedIn>>['tokens'];

const userinfoStatus = async (realm: ManagedRealm, accessToken: string) =>
  (await fetch(realm.config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${accessToken}` } })).status;

/** What a relying party sees of live tokens: userinfo answers, introspection says active. */
export async function expectTokensWork(realm: ManagedRealm, tokens: Tokens) {
  expect(await userinfoStatus(realm, tokens.access_token)).toBe(200);
  expect((await oidc.tokenIntrospection(realm.config, tokens.access_token)).active).toBe(true);
  expect((await oidc.tokenIntrospection(realm.config, tokens.refresh_token!)).active).toBe(true);
}

/** The refresh token is refused at /token, the access token at userinfo, and introspection says inactive. */
export async function expectTokensDead(realm: ManagedRealm, tokens: Tokens) {
  expect(await userinfoStatus(realm, tokens.access_token)).toBe(401);
  expect((await oidc.tokenIntrospection(realm.config, tokens.access_token)).active).toBe(false);
  await expect(oidc.refreshTokenGrant(realm.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
}

/**
 * What the hosted login does for this browser: 'signed-in' straight away (a live session),
 * else the login page, submitted with `credentials` when given: 'signed-in' or 'refused'.
 */
export async function tryLogin(gh: TestGatehouse, realm: ManagedRealm, { browser = new Browser(gh.url), credentials }: { browser?: Browser; credentials?: { email: string; password: string } }) {
  const url = oidc.buildAuthorizationUrl(realm.config, {
    redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256', state: oidc.randomState(),
  });
  let page = await browser.navigate(url.href);
  if (page.leftTo) return { outcome: 'signed-in' as const, html: '' };
  expect(page.html).toContain('name="password"');
  if (!credentials) return { outcome: 'login-page' as const, html: page.html };
  page = await browser.submit(page, '/login', credentials);
  return page.leftTo || page.html.includes('/consent"') ? { outcome: 'signed-in' as const, html: page.html } : { outcome: 'refused' as const, html: page.html };
}
