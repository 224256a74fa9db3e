// Realm isolation: two realms in one running Gatehouse must not accept each other's clients,
// users, codes, tokens, sessions, ID tokens, signing keys or management API keys. Each refusal
// is paired with a control showing the same credential works in its own realm, so a test can
// only pass because the realm boundary held.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildDeveloper, buildRealmKey, expectProblem, rowCounts } from '../api/support.js';
import { Browser, type Page } from '../support/browser.js';
import { buildApp, buildRealm, buildUser, unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { discover, oidc, signIn } from '../support/relying-party.js';

const REDIRECT = 'http://localhost:8080/cb';

const gh = useGatehouse();
let A: Awaited<ReturnType<typeof setUpRealm>>;
let B: Awaited<ReturnType<typeof setUpRealm>>;

async function setUpRealm() {
  const realm = await buildRealm(gh());
  const { app, clientSecret } = await buildApp(gh(), realm, { firstParty: true });
  const user = await buildUser(gh(), realm);
  const issuer = `${gh().url}/realms/${realm.name}`;
  const config = await discover(issuer, app.clientId, clientSecret);
  return { realm, app, clientSecret: clientSecret!, user, issuer, config, path: `/realms/${realm.name}` };
}
type RealmSetup = typeof A;

beforeAll(async () => {
  [A, B] = await Promise.all([setUpRealm(), setUpRealm()]);
});

/** `client`'s authorization URL, sent to `at`'s authorization endpoint (PKCE S256). */
async function authorizationUrl(client: RealmSetup, at: RealmSetup = client, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(client.config, {
    ...extra, redirect_uri: REDIRECT, scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  return { url: `${at.issuer}/authorize${url.search}`, verifier };
}

/** Starts an authorization with `app`'s client at `app`'s realm and submits the login form. */
async function submitLogin(app: RealmSetup, email: string, password: string, browser = new Browser(gh().url)) {
  const { url, verifier } = await authorizationUrl(app);
  const loginPage = await browser.navigate(url);
  expect(loginPage.html).toContain('name="password"');
  const after = await browser.submit(loginPage, '/login', { email, password });
  return { after, verifier, browser };
}

/** An authorization code issued in `realm` to its app, not yet redeemed. */
async function codeFrom(realm: RealmSetup) {
  const { after, verifier } = await submitLogin(realm, realm.user.email, realm.user.password);
  const code = new URL(after.leftTo ?? 'about:blank').searchParams.get('code');
  expect(code).toBeTruthy();
  return { code: code!, verifier };
}

/** A form POST to one of `realm`'s token endpoints with HTTP Basic client credentials (RFC 6749 §2.3.1). */
async function backChannel(realm: RealmSetup, endpoint: string, creds: RealmSetup, params: Record<string, string>) {
  const basic = Buffer.from(`${encodeURIComponent(creds.app.clientId)}:${encodeURIComponent(creds.clientSecret)}`).toString('base64');
  const res = await fetch(`${realm.issuer}${endpoint}`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(params),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

const redeem = (at: RealmSetup, creds: RealmSetup, { code, verifier }: { code: string; verifier: string }) =>
  backChannel(at, '/token', creds, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });

function expectErrorPage(page: Page & { leftTo?: string }, status: number, code: string) {
  expect(page.leftTo).toBeUndefined();
  expect(page.headers.get('location')).toBeNull();
  expect(page.status).toBe(status);
  expect(page.html).toContain(`<code>${code}</code>`);
  expect(page.html).not.toContain('name="password"');
}

describe('clients', () => {
  it("A's client_id at B's /authorize is an error page that redirects nowhere", async () => {
    const own = await new Browser(gh().url).navigate((await authorizationUrl(A)).url);
    expect(own.html).toContain('name="password"');

    const page = await new Browser(gh().url).navigate((await authorizationUrl(A, B)).url);
    expectErrorPage(page, 400, 'invalid_client');
    expect(page.html).toContain('not known in this realm');
  });

  it("A's client credentials at B's token endpoint are invalid_client", async () => {
    const params = { grant_type: 'refresh_token', refresh_token: 'anything' };
    // Control: A's credentials authenticate at A (the grant itself then fails).
    expect(await backChannel(A, '/token', A, params)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await backChannel(B, '/token', A, params)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });
});

describe('users', () => {
  it("A's user cannot sign in at B through B's app", async () => {
    const { after } = await submitLogin(B, A.user.email, A.user.password);
    expect(after.leftTo).toBeUndefined();
    expect(after.status).toBe(401);
    expect(after.html).toContain('Incorrect email or password');
  });

  it("B's user with the same email as A's signs in only with B's password and gets B's subject", async () => {
    const twin = await buildUser(gh(), B.realm, { email: A.user.email.toUpperCase(), password: 'a different password' });
    const refused = await submitLogin(B, A.user.email, A.user.password);
    expect(refused.after.html).toContain('Incorrect email or password');

    const { tokens } = await signIn(B.config, gh().url, { email: A.user.email, password: twin.password, redirectUri: REDIRECT });
    expect(tokens.claims()).toMatchObject({ iss: B.issuer, sub: twin.id });
    expect(twin.id).not.toBe(A.user.id);
  });
});

describe('authorization codes', () => {
  it("a code issued in A is refused at B's token endpoint, with B's and with A's credentials", async () => {
    const issued = await codeFrom(A);
    expect(await redeem(B, B, issued)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await redeem(B, A, issued)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    // The code was genuine and untouched by those attempts: A redeems it.
    const good = await redeem(A, A, issued);
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), id_token: expect.any(String) });
  });
});

describe('tokens', () => {
  let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  beforeAll(async () => {
    ({ tokens } = await signIn(A.config, gh().url, { email: A.user.email, password: A.user.password, redirectUri: REDIRECT, scope: 'openid email offline_access', prompt: 'consent' }));
  });

  it("A's access token is rejected by B's userinfo endpoint with 401 invalid_token", async () => {
    const userinfo = (realm: RealmSetup) => fetch(realm.config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' } });
    const own = await userinfo(A);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ sub: A.user.id });

    expect(B.config.serverMetadata().userinfo_endpoint).toBe(`${B.issuer}/userinfo`);
    const res = await userinfo(B);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
  });

  it("B's introspection says active:false for A's tokens", async () => {
    const introspect = (realm: RealmSetup, token: string) => backChannel(realm, '/token/introspection', realm, { token });
    expect(await introspect(A, tokens.access_token)).toMatchObject({ status: 200, body: { active: true, sub: A.user.id } });
    expect(await introspect(B, tokens.access_token)).toEqual({ status: 200, body: { active: false } });
    expect(await introspect(B, tokens.refresh_token!)).toEqual({ status: 200, body: { active: false } });
    // Revoking A's token at B (RFC 7009 answers 200 either way) leaves it active at A.
    expect((await backChannel(B, '/token/revocation', B, { token: tokens.access_token })).status).toBe(200);
    expect(await introspect(A, tokens.access_token)).toMatchObject({ status: 200, body: { active: true } });
  });

  it("A's refresh token is invalid_grant at B (and A's credentials invalid_client there)", async () => {
    const refresh = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! };
    expect(await backChannel(B, '/token', B, refresh)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await backChannel(B, '/token', A, refresh)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    // Still good at A: the attempts at B neither used nor revoked it.
    expect(await backChannel(A, '/token', A, refresh)).toMatchObject({ status: 200, body: { refresh_token: expect.any(String) } });
  });
});

describe('sessions and cookies', () => {
  it('a session in A is not a session in B, and its cookies are scoped to /realms/A', async () => {
    const { browser } = await signIn(A.config, gh().url, { email: A.user.email, password: A.user.password, redirectUri: REDIRECT });
    // Control: A itself now signs in without asking.
    expect((await signIn(A.config, gh().url, { email: A.user.email, password: 'unused', redirectUri: REDIRECT, browser })).pages).toEqual([]);

    const { cookies } = await browser.jar.serialize();
    expect(cookies.map((c) => c.key)).toContain('_session');
    for (const c of cookies) expect({ cookie: c.key, path: c.path }).toEqual({ cookie: c.key, path: expect.stringMatching(new RegExp(`^${A.path}(/|$)`)) });
    expect(cookies.find((c) => c.key === '_session')?.path).toBe(A.path);
    expect(await browser.jar.getCookieString(`${B.issuer}/authorize`)).toBe('');

    // A's pending interaction (its login page) is unknown at B's interaction route.
    const pendingAtA = await browser.navigate((await authorizationUrl(A, A, { prompt: 'login' })).url);
    expect(pendingAtA.url).toMatch(new RegExp(`^${A.issuer}/interaction/`));
    const pendingAtB = await browser.navigate(pendingAtA.url.replace(A.issuer, B.issuer));
    expectErrorPage(pendingAtB, 400, 'interaction_expired');

    const atB = await browser.navigate((await authorizationUrl(B)).url);
    expect(atB.leftTo).toBeUndefined();
    expect(atB.html).toContain('name="password"');

    // Even A's cookies sent to B's path (a misbehaving or hostile client) are no session at B.
    for (const c of cookies) await browser.jar.setCookie(`${c.key}=${c.value}; Path=${B.path}`, gh().url);
    expect(await browser.jar.getCookieString(`${B.issuer}/authorize`)).toContain('_session=');
    const forged = await browser.navigate((await authorizationUrl(B)).url);
    expect(forged.leftTo).toBeUndefined();
    expect(forged.html).toContain('name="password"');
  });

  it("A's ID token as id_token_hint at B's /session/end is an error, and A's session survives", async () => {
    const { tokens, browser } = await signIn(A.config, gh().url, { email: A.user.email, password: A.user.password, redirectUri: REDIRECT });
    const endAtB = (params: Record<string, string>) => browser.navigate(`${B.issuer}/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token!, ...params })}`);
    // The hint names A's client, which B does not know.
    const unknownClient = await endAtB({ post_logout_redirect_uri: 'http://localhost:8080/logged-out' });
    expectErrorPage(unknownClient, 400, 'invalid_client');
    // Naming B's own client: A's ID token does not validate against B's keys.
    const badHint = await endAtB({ client_id: B.app.clientId, post_logout_redirect_uri: 'http://localhost:8080/logged-out' });
    expectErrorPage(badHint, 400, 'invalid_request');
    for (const page of [unknownClient, badHint]) expect(page.html).not.toContain('Sign out?');

    const again = await signIn(A.config, gh().url, { email: A.user.email, password: 'unused', redirectUri: REDIRECT, browser });
    expect(again.pages).toEqual([]);
    expect(again.tokens.claims()?.sub).toBe(A.user.id);
  });
});

describe('signing keys', () => {
  it("A and B publish disjoint keys, and A's ID token does not verify with B's JWKS", async () => {
    const jwks = async (realm: RealmSetup) => (await (await fetch(`${realm.issuer}/jwks`)).json()) as JSONWebKeySet;
    const [jwksA, jwksB] = await Promise.all([jwks(A), jwks(B)]);
    const kidsA = jwksA.keys.map((k) => k.kid);
    const kidsB = new Set(jwksB.keys.map((k) => k.kid));
    expect(kidsA.length).toBeGreaterThan(0);
    expect(kidsB.size).toBeGreaterThan(0);
    expect(kidsA.filter((kid) => kidsB.has(kid))).toEqual([]);

    const { tokens } = await signIn(A.config, gh().url, { email: A.user.email, password: A.user.password, redirectUri: REDIRECT });
    const idToken = tokens.id_token!;
    await expect(jwtVerify(idToken, createLocalJWKSet(jwksA), { issuer: A.issuer, audience: A.app.clientId })).resolves.toMatchObject({ payload: { sub: A.user.id } });
    await expect(jwtVerify(idToken, createLocalJWKSet(jwksB))).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });
});

describe('API resources', () => {
  it("A's registered API is invalid_target at B, where the same request is refused", async () => {
    const api = `https://${unique('api')}.example.com`;
    await gh().services.forRealm(A.realm).apiResources.create({ identifier: api, name: 'A only', scopes: ['read'] }, { actor: 'test' });
    const serviceIn = async (realm: RealmSetup, apiAccess: { resource: string; scopes: string[] }[]) => {
      const { app, clientSecret } = await buildApp(gh(), realm.realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [], apiAccess });
      return discover(realm.issuer, app.clientId, clientSecret);
    };
    const inA = await serviceIn(A, [{ resource: api, scopes: ['read'] }]);
    // B's app cannot even be given access to it: the identifier is not an API of realm B.
    await expect(serviceIn(B, [{ resource: api, scopes: ['read'] }])).rejects.toMatchObject({ status: 400, code: 'validation_failed', errors: [{ path: 'apiAccess.0.resource' }] });
    const inB = await serviceIn(B, []);
    const own = await oidc.clientCredentialsGrant(inA, { resource: api, scope: 'read' });
    expect(own.access_token.split('.')).toHaveLength(3);
    await expect(oidc.clientCredentialsGrant(inB, { resource: api, scope: 'read' })).rejects.toMatchObject({ error: 'invalid_target' });
  });
});

describe('management API keys', () => {
  const api = () => request(gh().url);

  it("a realm key for A reaches A's apps and users, gets 404 for B's, and cannot create realms", async () => {
    const { key } = await buildRealmKey(gh(), A.realm);
    const auth = bearer(key);
    expect((await api().get(`/api/v1/realms/${A.realm.name}/apps`).set(auth)).status).toBe(200);
    expect((await api().get(`/api/v1/realms/${A.realm.name}/users/${A.user.id}`).set(auth)).body).toMatchObject({ id: A.user.id });

    const before = await rowCounts(gh());
    for (const path of ['', '/apps', '/users', `/apps/${B.app.id}`, `/users/${B.user.id}`]) {
      expectProblem(await api().get(`/api/v1/realms/${B.realm.name}${path}`).set(auth), 404, 'not_found');
    }
    // A's realm key naming B's ids through A's realm: the lookup is realm-scoped.
    expectProblem(await api().get(`/api/v1/realms/${A.realm.name}/users/${B.user.id}`).set(auth), 404, 'not_found');
    expectProblem(await api().get(`/api/v1/realms/${A.realm.name}/apps/${B.app.id}`).set(auth), 404, 'not_found');
    expectProblem(await api().post(`/api/v1/realms/${B.realm.name}/users`).set(auth).send({ email: `${unique('x')}@example.com` }), 404, 'not_found');
    expectProblem(await api().post(`/api/v1/realms/${B.realm.name}/apps`).set(auth).send({ name: 'x', type: 'spa', redirectUris: [REDIRECT] }), 404, 'not_found');
    expectProblem(await api().post('/api/v1/realms').set(auth).send({ name: unique('rk') }), 403, 'forbidden');
    expectProblem(await api().get(`/api/v1/realms/${B.realm.name}/resources`).set(auth), 404, 'not_found');
    expectProblem(await api().post(`/api/v1/realms/${B.realm.name}/resources`).set(auth).send({ identifier: 'https://b.example.com', name: 'x', scopes: ['read'] }), 404, 'not_found');
    expectProblem(await api().patch(`/api/v1/realms/${B.realm.name}`).set(auth).send({ displayName: 'Taken over', tokenLifetimes: { accessToken: 86_400 } }), 404, 'not_found');
    // B's app, changed through B's realm or named through A's: both refused, the app untouched.
    expectProblem(await api().patch(`/api/v1/realms/${B.realm.name}/apps/${B.app.id}`).set(auth).send({ redirectUris: ['https://evil.example.com/cb'] }), 404, 'not_found');
    expectProblem(await api().patch(`/api/v1/realms/${A.realm.name}/apps/${B.app.id}`).set(auth).send({ redirectUris: ['https://evil.example.com/cb'] }), 404, 'not_found');
    expect((await gh().prisma.app.findUniqueOrThrow({ where: { id: B.app.id } })).redirectUris).toEqual(B.app.redirectUris);
    expect(await rowCounts(gh())).toEqual(before);
    // The same PATCH on A's own realm works: the 404s above are the realm boundary.
    expect((await api().patch(`/api/v1/realms/${A.realm.name}`).set(auth).send({ displayName: 'A, renamed' })).body).toMatchObject({ name: A.realm.name, displayName: 'A, renamed' });

    const listed = await api().get('/api/v1/realms').set(auth);
    expect(listed.body.data.map((r: { name: string }) => r.name)).toEqual([A.realm.name]);
  });

  it("a developer's platform key cannot see another developer's realms", async () => {
    const [x, y] = await Promise.all([buildDeveloper(gh()), buildDeveloper(gh())]);
    const xRealm = await gh().services.realms.create({ name: unique('x') }, x.user.id, { actor: 'test' });
    const yRealm = await gh().services.realms.create({ name: unique('y') }, y.user.id, { actor: 'test' });
    const yUser = await buildUser(gh(), yRealm);

    const listed = await api().get('/api/v1/realms').set(bearer(x.key));
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((r: { name: string }) => r.name)).toEqual([xRealm.name]);
    expect((await api().get(`/api/v1/realms/${xRealm.name}`).set(bearer(x.key))).body).toMatchObject({ name: xRealm.name, issuer: `${gh().config.baseUrl}/realms/${xRealm.name}` });

    for (const path of ['', '/apps', '/users', `/users/${yUser.id}`]) {
      expectProblem(await api().get(`/api/v1/realms/${yRealm.name}${path}`).set(bearer(x.key)), 404, 'not_found');
    }
    // Realms without an owner (A, B, and `admin`, which holds the developer accounts) are nobody's through the API.
    for (const path of [A.realm.name, 'admin', 'admin/users', `admin/users/${y.user.id}`]) {
      expectProblem(await api().get(`/api/v1/realms/${path}`).set(bearer(x.key)), 404, 'not_found');
    }
    // Y's own key does see Y's realm: the 404 above is about ownership, not a missing realm.
    expect((await api().get(`/api/v1/realms/${yRealm.name}/users/${yUser.id}`).set(bearer(y.key))).body).toMatchObject({ id: yUser.id });
  });
});
