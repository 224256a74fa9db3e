// PKCE per app (issue 6 §4): always for public apps (spa, native: no secret binds the code to
// them, RFC 9700 §2.1.1), by default for confidential ones, and off for a confidential app that
// sets requirePkce: false (OpenID's Basic OP certification plan and some server-side relying
// parties send none). A code obtained with PKCE is still checked against its verifier.
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildRealmKey } from '../api/support.js';
import { Browser } from '../support/browser.js';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { discover, oidc } from '../support/relying-party.js';

const REDIRECT = 'http://localhost:8080/cb';
const gh = useGatehouse();
let realm: Awaited<ReturnType<typeof buildRealm>>;
let user: Awaited<ReturnType<typeof buildUser>>;
let issuer: string;
let key: string;
beforeAll(async () => {
  realm = await buildRealm(gh());
  user = await buildUser(gh(), realm);
  issuer = `${gh().url}/realms/${realm.name}`;
  ({ key } = await buildRealmKey(gh(), realm));
});

/** An authorization request without PKCE, through the hosted pages: the tokens, or the error the client was sent. */
async function signInWithoutPkce(clientId: string, secret: string) {
  const config = await discover(issuer, clientId, secret);
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state });
  const browser = new Browser(gh().url);
  let page = await browser.navigate(url.href);
  for (let step = 0; step < 3 && !page.leftTo; step++) {
    if (page.html.includes('name="password"')) page = await browser.submit(page, '/login', { email: user.email, password: user.password });
    else if (page.html.includes('/consent"')) page = await browser.submit(page, '/consent');
  }
  const callback = new URL(page.leftTo ?? 'http://nowhere.invalid');
  if (callback.searchParams.has('error')) return { error: callback.searchParams.get('error'), description: callback.searchParams.get('error_description') };
  return { tokens: await oidc.authorizationCodeGrant(config, callback, { expectedState: state }) };
}

describe('a confidential (web) app', () => {
  it('requires PKCE by default: a request without it goes back to the client as invalid_request', async () => {
    const { app, clientSecret } = await buildApp(gh(), realm);
    expect(app.requirePkce).toBe(true);
    expect(await signInWithoutPkce(app.clientId, clientSecret!)).toMatchObject({ error: 'invalid_request', description: expect.stringMatching(/PKCE/) });
  });

  it('with requirePkce: false signs in without PKCE and redeems the code with its secret', async () => {
    const { app, clientSecret } = await buildApp(gh(), realm, { requirePkce: false });
    expect(app.requirePkce).toBe(false);
    const result = await signInWithoutPkce(app.clientId, clientSecret!);
    expect(result.tokens?.claims()?.sub).toBe(user.id);
  });

  it('changes the setting with PATCH, applied at once', async () => {
    const { app, clientSecret } = await buildApp(gh(), realm);
    const res = await request(gh().url).patch(`/api/v1/realms/${realm.name}/apps/${app.id}`).set(bearer(key)).send({ requirePkce: false });
    expect({ status: res.status, requirePkce: res.body.requirePkce }).toEqual({ status: 200, requirePkce: false });
    expect((await signInWithoutPkce(app.clientId, clientSecret!)).tokens).toBeDefined();
    await request(gh().url).patch(`/api/v1/realms/${realm.name}/apps/${app.id}`).set(bearer(key)).send({ requirePkce: true }).expect(200);
    expect(await signInWithoutPkce(app.clientId, clientSecret!)).toMatchObject({ error: 'invalid_request' });
  });
});

describe('a public app', () => {
  it.each(['spa', 'native'] as const)('(%s) cannot turn PKCE off, at creation or later', async (type) => {
    const create = await request(gh().url).post(`/api/v1/realms/${realm.name}/apps`).set(bearer(key)).send({ name: 'Public', type, redirectUris: [REDIRECT], requirePkce: false });
    expect(create.status).toBe(400);
    expect(create.body).toMatchObject({ code: 'validation_failed', errors: [expect.objectContaining({ path: 'requirePkce' })] });
    const { app } = await buildApp(gh(), realm, { type });
    expect(app.requirePkce).toBe(true);
    const patch = await request(gh().url).patch(`/api/v1/realms/${realm.name}/apps/${app.id}`).set(bearer(key)).send({ requirePkce: false });
    expect(patch.status).toBe(400);
    expect(patch.body.code).toBe('validation_failed');
  });
});
