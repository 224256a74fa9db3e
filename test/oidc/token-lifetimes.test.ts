// Per-realm token lifetimes: a realm's settings decide how long the tokens it issues live, as a
// relying party reads them (expires_in, ID token exp, introspected refresh token exp), and a
// change through the management API reaches the running provider without a restart.
import request from 'supertest';
import { beforeAll, expect, it } from 'vitest';
import { bearer, buildDeveloper } from '../api/support.js';
import { buildApp, buildUser, unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { discover, oidc, signIn } from '../support/relying-party.js';

const REDIRECT = 'http://localhost:8080/cb';

const gh = useGatehouse();
let key: string;
beforeAll(async () => {
  ({ key } = await buildDeveloper(gh()));
});

/** A realm made through the API with these lifetimes, and its row for the builders. */
async function realmWith(tokenLifetimes: Record<string, number>) {
  const res = await request(gh().url).post('/api/v1/realms').set(bearer(key)).send({ name: unique('ttl'), tokenLifetimes });
  expect(res.status).toBe(201);
  const row = await gh().services.realms.findByName(res.body.name);
  return { view: res.body as { name: string; issuer: string; tokenLifetimes: Record<string, number> }, row: row! };
}

it('issues access, ID and refresh tokens with the lifetimes the realm was created with', async () => {
  const { view, row } = await realmWith({ accessToken: 300, idToken: 600, refreshTokenIdle: 400, refreshTokenAbsolute: 500 });
  expect(view.tokenLifetimes).toMatchObject({ accessToken: 300, idToken: 600, refreshTokenIdle: 400, refreshTokenAbsolute: 500, authorizationCode: 60 });
  const { app, clientSecret } = await buildApp(gh(), row);
  const user = await buildUser(gh(), row);
  const config = await discover(view.issuer, app.clientId, clientSecret);

  const { tokens } = await signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid offline_access', prompt: 'consent' });
  expect(tokens.expires_in).toBe(300);
  const claims = tokens.claims()!;
  expect(claims.exp - claims.iat).toBe(600);
  // The idle lifetime (400 s) is shorter than what is left of the absolute one (500 s).
  const refresh = await oidc.tokenIntrospection(config, tokens.refresh_token!);
  expect(refresh).toMatchObject({ active: true, sub: user.id });
  expect(refresh.exp! - refresh.iat!).toBe(400);
});

it('applies a lifetime changed with PATCH to the next token, on the running server', async () => {
  const { view, row } = await realmWith({});
  const { app, clientSecret } = await buildApp(gh(), row, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
  const config = await discover(view.issuer, app.clientId, clientSecret);
  expect((await oidc.clientCredentialsGrant(config)).expires_in).toBe(15 * 60);

  const patched = await request(gh().url).patch(`/api/v1/realms/${view.name}`).set(bearer(key)).send({ displayName: 'Short tokens', tokenLifetimes: { accessToken: 120 } });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({ name: view.name, displayName: 'Short tokens', tokenLifetimes: { accessToken: 120, idToken: 3600 } });
  expect((await oidc.clientCredentialsGrant(config)).expires_in).toBe(120);

  const audit = await gh().prisma.auditEvent.findMany({ where: { realmId: row.id, action: 'realm.updated' } });
  expect(audit).toMatchObject([{ actor: expect.stringMatching(/^api-key:gh_pk_/), target: `realm:${view.name}`, data: { tokenLifetimes: { accessToken: 120 } } }]);
});
