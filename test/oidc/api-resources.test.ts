// API resources registered through the management API (RFC 8707 resource indicators): a token
// asked for such a resource is an RFC 9068 JWT (typ at+jwt) with the resource as audience,
// verifiable with the realm's JWKS, from client_credentials and from the code flow alike.
// A resource that is not registered in the realm is refused with invalid_target. A service app
// acting on its own (client_credentials) gets only the APIs and scopes it was given (apiAccess).
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildRealmKey } from '../api/support.js';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { discover, oidc, signIn } from '../support/relying-party.js';

const API = 'https://orders.example.com';
const REDIRECT = 'http://localhost:8080/cb';

const gh = useGatehouse();
let realm: Awaited<ReturnType<typeof buildRealm>>;
let issuer: string;
let key: string;
beforeAll(async () => {
  realm = await buildRealm(gh());
  issuer = `${gh().url}/realms/${realm.name}`;
  // Registered the way a developer's script would: with a realm key, over HTTP.
  ({ key } = await buildRealmKey(gh(), realm));
  const res = await request(gh().url).post(`/api/v1/realms/${realm.name}/resources`).set(bearer(key))
    .send({ identifier: API, name: 'Orders', scopes: ['orders:read', 'orders:write'], accessTokenTtl: 120 });
  expect(res.status).toBe(201);
  expect(res.body).toEqual({ id: expect.any(String), identifier: API, name: 'Orders', scopes: ['orders:read', 'orders:write'], accessTokenTtl: 120, createdAt: expect.any(String) });
  expect(res.headers.location).toBe(`/api/v1/realms/${realm.name}/resources/${res.body.id}`);
  expect((await request(gh().url).get(res.headers.location!).set(bearer(key))).body).toEqual(res.body);
});

/** Verifies an RFC 9068 access token against the realm's published keys; returns its claims. */
async function verifiedAccessToken(token: string) {
  expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: API, typ: 'at+jwt' });
  return payload;
}

/** A service app (made through the API) with this access, and a relying-party configuration for it. */
async function serviceApp(apiAccess: { resource: string; scopes: string[] }[]) {
  const res = await request(gh().url).post(`/api/v1/realms/${realm.name}/apps`).set(bearer(key)).send({ name: 'Worker', type: 'service', apiAccess });
  expect(res.status).toBe(201);
  expect(res.body.apiAccess).toEqual(apiAccess);
  return { app: res.body as { id: string; clientId: string }, config: await discover(issuer, res.body.clientId, res.body.clientSecret) };
}

describe('client_credentials', () => {
  let config: oidc.Configuration;
  let clientId: string;
  beforeAll(async () => {
    ({ config, app: { clientId } } = await serviceApp([{ resource: API, scopes: ['orders:read'] }]));
  });

  it("gets a JWT for the registered API, living the resource's accessTokenTtl", async () => {
    const token = await oidc.clientCredentialsGrant(config, { resource: API, scope: 'orders:read' });
    const claims = await verifiedAccessToken(token.access_token);
    expect(claims).toMatchObject({ client_id: clientId, scope: 'orders:read', aud: API });
    expect(claims.exp! - claims.iat!).toBe(120);
    expect(token.expires_in).toBe(120);
  });

  it('gets only the scopes it was given: asking for more yields a narrower token (RFC 6749 §3.3)', async () => {
    const token = await oidc.clientCredentialsGrant(config, { resource: API, scope: 'orders:read orders:write' });
    expect(token.scope).toBe('orders:read');
    expect(await verifiedAccessToken(token.access_token)).toMatchObject({ scope: 'orders:read' });
  });

  it('is refused invalid_scope when none of the scopes it asks for was given (RFC 6749 §5.2), not handed an empty token', async () => {
    for (const scope of ['orders:write', 'orders:write no-such-scope']) {
      await expect(oidc.clientCredentialsGrant(config, { resource: API, scope })).rejects.toMatchObject({ error: 'invalid_scope', status: 400 });
    }
    // The narrowed answer names the scope it has, as it differs from the request (RFC 6749 §3.3).
    const token = await oidc.clientCredentialsGrant(config, { resource: API, scope: 'orders:write orders:read' });
    expect(token.scope).toBe('orders:read');
  });

  it('is refused invalid_target for a registered API it was not given, until it is given access', async () => {
    const { app, config: outsider } = await serviceApp([]);
    await expect(oidc.clientCredentialsGrant(outsider, { resource: API, scope: 'orders:read' })).rejects.toMatchObject({ error: 'invalid_target' });
    const patched = await request(gh().url).patch(`/api/v1/realms/${realm.name}/apps/${app.id}`).set(bearer(key)).send({ apiAccess: [{ resource: API, scopes: ['orders:write'] }] });
    expect(patched.status).toBe(200);
    const token = await oidc.clientCredentialsGrant(outsider, { resource: API, scope: 'orders:read orders:write' });
    expect(token.scope).toBe('orders:write');
  });

  it('gets an opaque token without a resource', async () => {
    const token = await oidc.clientCredentialsGrant(config);
    expect(token.access_token.split('.')).toHaveLength(1);
  });

  it('is refused invalid_target for a resource the realm does not know', async () => {
    await expect(oidc.clientCredentialsGrant(config, { resource: 'https://unknown.example.com', scope: 'orders:read' }))
      .rejects.toMatchObject({ error: 'invalid_target' });
  });
});

describe('authorization code', () => {
  it("asks consent for the API's scope and issues a JWT for the user", async () => {
    const { app, clientSecret } = await buildApp(gh(), realm);
    const user = await buildUser(gh(), realm);
    const config = await discover(issuer, app.clientId, clientSecret);
    const { tokens, pages } = await signIn(config, gh().url, {
      email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid orders:read', extra: { resource: API },
    });
    expect(pages.find((p) => p.includes('Allow access?'))).toContain(`orders:read on ${API}`);
    expect(tokens.claims()).toMatchObject({ sub: user.id, aud: app.clientId });
    const claims = await verifiedAccessToken(tokens.access_token);
    expect(claims).toMatchObject({ sub: user.id, client_id: app.clientId, scope: 'orders:read', aud: API });
  });
});
