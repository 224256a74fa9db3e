// The direct authentication API as a developer backend uses it: sign a user up and in with the
// realm key, and get the realm's real tokens for the app. openid-client (strict, certified)
// checks them at userinfo, introspection, refresh and revocation; jose verifies the ID token
// with the realm's JWKS. Sign-in must not tell an unknown email from a wrong password.
import * as jose from 'jose';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { oidc } from '../support/relying-party.js';
import { bearer, expectProblem } from './support.js';
import { auditEvents, buildDirectRealm, newEmail, PASSWORD, post, signUp, type DirectRealm, type Tokens } from './direct-auth-support.js';

const gh = useGatehouse();
let r: DirectRealm;

beforeAll(async () => {
  r = await buildDirectRealm(gh());
});

const signIn = (email: string, password = PASSWORD, over: Record<string, unknown> = {}) => post(gh(), r, '/auth/sign-in', { clientId: r.app.clientId, email, password, ...over });

async function verifyIdToken(idToken: string, subject: string) {
  const jwks = jose.createRemoteJWKSet(new URL(`${r.issuer}/jwks`));
  const { payload } = await jose.jwtVerify(idToken, jwks, { issuer: r.issuer, audience: r.app.clientId, subject });
  return payload;
}

describe('the directAuth app setting', () => {
  const api = () => request(gh().url);
  const apps = () => `/api/v1/realms/${r.realm.name}/apps`;

  it('is refused for public and third-party apps with direct_auth_not_allowed, and shown in the app view', async () => {
    for (const body of [
      { name: 'SPA', type: 'spa', redirectUris: ['http://localhost:8080/cb'], firstParty: true, directAuth: true },
      { name: 'Third party', type: 'web', redirectUris: ['http://localhost:8080/cb'], firstParty: false, directAuth: true },
    ]) {
      const { errors } = expectProblem(await api().post(apps()).set(bearer(r.key)).send(body), 400, 'direct_auth_not_allowed');
      expect(errors).toEqual([expect.objectContaining({ path: 'directAuth' })]);
    }
    const made = await api().post(apps()).set(bearer(r.key)).send({ name: 'Backend', type: 'web', redirectUris: ['http://localhost:8080/cb'], firstParty: true, directAuth: true });
    expect({ status: made.status, directAuth: made.body.directAuth }).toEqual({ status: 201, directAuth: true });
    expect((await api().get(`${apps()}/${made.body.id}`).set(bearer(r.key))).body.directAuth).toBe(true);
  });

  it('is PATCHable, and stays within the rule when firstParty changes', async () => {
    const made = (await api().post(apps()).set(bearer(r.key)).send({ name: 'Later', type: 'web', redirectUris: ['http://localhost:8080/cb'], firstParty: true })).body;
    expect(made.directAuth).toBe(false);
    const on = await api().patch(`${apps()}/${made.id}`).set(bearer(r.key)).send({ directAuth: true });
    expect({ status: on.status, directAuth: on.body.directAuth }).toEqual({ status: 200, directAuth: true });
    expectProblem(await api().patch(`${apps()}/${made.id}`).set(bearer(r.key)).send({ firstParty: false }), 400, 'direct_auth_not_allowed');
    const off = await api().patch(`${apps()}/${made.id}`).set(bearer(r.key)).send({ firstParty: false, directAuth: false });
    expect({ status: off.status, directAuth: off.body.directAuth, firstParty: off.body.firstParty }).toEqual({ status: 200, directAuth: false, firstParty: false });
  });
});

describe('sign-up', () => {
  it('creates the user (201, Location) with the realm\'s tokens for the app, and queues a verification mail', async () => {
    const { email, user, tokens, location } = await signUp(gh(), r);
    expect(location).toBe(`/api/v1/realms/${r.realm.name}/users/${user.id}`);
    expect(user).toMatchObject({ email, emailVerified: false, name: 'Ada Direct' });
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number), scope: 'openid profile email offline_access', access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String) });
    const claims = await verifyIdToken(tokens.id_token!, user.id);
    expect(claims.amr).toEqual(['pwd']);
    const mail = await gh().prisma.mailMessage.findFirst({ where: { to: email } });
    expect(mail?.template).toBe('verify-email');
    const signedUp = (events: { target: string | null }[]) => events.some((e) => e.target === `user:${user.id}`);
    expect(signedUp(await auditEvents(gh(), r.realm.id, 'user.signed_up', signedUp))).toBe(true);
  });

  it('refuses a password the realm\'s policy refuses, saying what to change, and creates nobody', async () => {
    const email = newEmail();
    for (const [password, code] of [['short', 'too_short'], ['password1', 'too_common'], [`${email}-x`, 'contains_email']]) {
      const res = await post(gh(), r, '/auth/sign-up', { clientId: r.app.clientId, email, password });
      const { errors } = expectProblem(res, 400, 'validation_failed');
      expect(errors).toEqual([expect.objectContaining({ path: 'password', code, message: expect.any(String) })]);
    }
    expect(await gh().prisma.user.count({ where: { email } })).toBe(0);
  });

  it('answers 409 email_taken for an address that has an account (any case)', async () => {
    const { email } = await signUp(gh(), r);
    expectProblem(await post(gh(), r, '/auth/sign-up', { clientId: r.app.clientId, email: email.toUpperCase(), password: PASSWORD }), 409, 'email_taken');
  });

  it('two sign-ups with one address at once: one account, the other answer is 409 email_taken', async () => {
    const email = newEmail();
    const answers = await Promise.all([1, 2].map(() => post(gh(), r, '/auth/sign-up', { clientId: r.app.clientId, email, password: PASSWORD })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(await gh().prisma.user.count({ where: { email } })).toBe(1);
    expect(await gh().prisma.mailMessage.count({ where: { to: email } })).toBe(1);
  });
});

describe('sign-in', () => {
  let user: { id: string; email: string };
  beforeAll(async () => {
    ({ user } = await signUp(gh(), r));
  });

  it('gives real tokens: userinfo, introspection, ID token, refresh rotation, revocation', async () => {
    const res = await signIn(user.email);
    expect(res.status).toBe(200);
    const tokens = res.body as Tokens;
    expect({ cache: res.headers['cache-control'], pragma: res.headers.pragma }).toEqual({ cache: 'no-store', pragma: 'no-cache' });
    // Audited like a grant at /token (token.granted), by the app, for the user.
    const isGrant = (e: { target: string | null; actor: string; data: unknown }) => e.target === `user:${user.id}` && e.actor === `app:${r.app.clientId}` && (e.data as { grantType?: string }).grantType === 'direct_auth';
    expect((await auditEvents(gh(), r.realm.id, 'token.granted', (events) => events.some(isGrant))).some(isGrant)).toBe(true);

    const info = await oidc.fetchUserInfo(r.client, tokens.access_token, user.id);
    expect(info).toMatchObject({ sub: user.id, email: user.email, email_verified: false, name: 'Ada Direct' });
    const introspected = await oidc.tokenIntrospection(r.client, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, sub: user.id, client_id: r.app.clientId });
    const claims = await verifyIdToken(tokens.id_token!, user.id);
    expect(claims).toMatchObject({ iss: r.issuer, aud: r.app.clientId, sub: user.id });

    const refreshed = await oidc.refreshTokenGrant(r.client, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await oidc.fetchUserInfo(r.client, refreshed.access_token, user.id)).sub).toBe(user.id);
    // The rotated token is spent: replaying it is invalid_grant (and revokes the grant, RFC 9700 §4.14.2).
    await expect(oidc.refreshTokenGrant(r.client, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    const again = (await signIn(user.email)).body as Tokens;
    await oidc.tokenRevocation(r.client, again.access_token);
    expect((await oidc.tokenIntrospection(r.client, again.access_token)).active).toBe(false);
  });

  it('signing the user out everywhere kills the direct tokens too', async () => {
    const tokens = (await signIn(user.email)).body as Tokens;
    await gh().services.forRealm(r.realm).sessions.revokeAll(user.id);
    expect((await oidc.tokenIntrospection(r.client, tokens.access_token)).active).toBe(false);
    await expect(oidc.refreshTokenGrant(r.client, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('gives an RFC 9068 JWT access token for a registered API (resource), verifiable with the realm JWKS', async () => {
    const identifier = `https://orders-${r.realm.name}.example.com`;
    await gh().services.forRealm(r.realm).apiResources.create({ identifier, name: 'Orders', scopes: ['orders:read', 'orders:write'] }, { actor: 'test' });
    const res = await signIn(user.email, PASSWORD, { resource: identifier, scope: 'openid orders:read offline_access' });
    expect(res.status).toBe(200);
    const jwks = jose.createRemoteJWKSet(new URL(`${r.issuer}/jwks`));
    const { payload, protectedHeader } = await jose.jwtVerify(res.body.access_token, jwks, { issuer: r.issuer, audience: identifier, typ: 'at+jwt' });
    expect({ sub: payload.sub, scope: payload.scope, client_id: payload.client_id }).toEqual({ sub: user.id, scope: 'orders:read', client_id: r.app.clientId });
    expect(protectedHeader.alg).toBe('ES256');
    // The refresh token keeps the resource (RFC 8707 §2.2).
    const refreshed = await oidc.refreshTokenGrant(r.client, res.body.refresh_token);
    expect((await jose.jwtVerify(refreshed.access_token, jwks, { audience: identifier })).payload.scope).toBe('orders:read');
    expectProblem(await signIn(user.email, PASSWORD, { resource: 'https://unknown.example.com' }), 400, 'invalid_resource');
    expectProblem(await signIn(user.email, PASSWORD, { scope: 'openid orders:read' }), 400, 'invalid_scope');
  });

  it('an app that may not refresh gets no refresh token, and no offline_access in its scope', async () => {
    const { app } = await buildApp(gh(), r.realm, { firstParty: true, directAuth: true, grantTypes: ['authorization_code'] });
    const res = await post(gh(), r, '/auth/sign-in', { clientId: app.clientId, email: user.email, password: PASSWORD, scope: 'openid email offline_access' });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
    expect(res.body.scope).toBe('openid email');
  });

  it('answers an unknown email, a wrong password and a disabled user alike: 401 invalid_credentials, same body', async () => {
    const disabled = await buildUser(gh(), r.realm);
    await gh().prisma.user.update({ where: { realmId_id: { realmId: r.realm.id, id: disabled.id } }, data: { disabled: true } });
    const answers = await Promise.all([signIn(newEmail()), signIn(user.email, 'not the password at all'), signIn(disabled.email, disabled.password)]);
    const bodies = answers.map((res) => {
      expectProblem(res, 401, 'invalid_credentials');
      const { requestId: _id, ...body } = res.body as { requestId?: string };
      return body;
    });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    // Each failure is audited with its reason (the answer does not say it; the realm's log does).
    const reasons = (events: { target: string | null; data: unknown }[]) => events.filter((e) => e.target === null || e.target === `user:${user.id}` || e.target === `user:${disabled.id}`).map((e) => (e.data as { reason: string }).reason);
    const three = (events: { target: string | null; data: unknown }[]) => reasons(events).length >= 3;
    expect(reasons(await auditEvents(gh(), r.realm.id, 'direct_sign_in.failure', three)).sort()).toEqual(['disabled', 'invalid_credentials', 'invalid_credentials']);
    expect((await auditEvents(gh(), r.realm.id, 'direct_sign_in.success')).length).toBeGreaterThan(0);
  });

  it('no password, token or secret appears in the logs', async () => {
    const tokens = (await signIn(user.email)).body as Tokens;
    const logs = gh().logLines.join('\n');
    for (const secret of [PASSWORD, tokens.access_token, tokens.refresh_token!, tokens.id_token!, r.key, r.clientSecret]) expect(logs).not.toContain(secret);
  });
});

describe('refusals', () => {
  it('an app without directAuth: 403 direct_auth_disabled; an unknown clientId: 400 invalid_client', async () => {
    const { app } = await buildApp(gh(), r.realm, { firstParty: true });
    expectProblem(await post(gh(), r, '/auth/sign-in', { clientId: app.clientId, email: newEmail(), password: PASSWORD }), 403, 'direct_auth_disabled');
    expectProblem(await post(gh(), r, '/auth/sign-up', { clientId: 'app_nope', email: newEmail(), password: PASSWORD }), 400, 'invalid_client');
  });

  it('realm isolation: realm A\'s key cannot call realm B, and realm A\'s clientId and users are unknown in realm B', async () => {
    const b = await buildDirectRealm(gh());
    const { user } = await signUp(gh(), r);
    // A's key on B's path: no such realm, for this key.
    expectProblem(await post(gh(), { realm: b.realm, key: r.key }, '/auth/sign-in', { clientId: b.app.clientId, email: user.email, password: PASSWORD }), 404, 'not_found');
    expectProblem(await post(gh(), b, '/auth/sign-in', { clientId: r.app.clientId, email: user.email, password: PASSWORD }), 400, 'invalid_client');
    expectProblem(await post(gh(), b, '/auth/sign-in', { clientId: b.app.clientId, email: user.email, password: PASSWORD }), 401, 'invalid_credentials');
    expectProblem(await post(gh(), b, `/users/${user.id}/email-verifications`), 404, 'not_found');
    // B's provider is in the pool now (the calls above built it): the key is still checked against it.
    expect(gh().pool.peek(b.realm.name)).toBeDefined();
    expectProblem(await post(gh(), { realm: b.realm, key: r.key }, '/auth/sign-in', { clientId: b.app.clientId, email: user.email, password: PASSWORD }), 404, 'not_found');
  });

  it('a realm that requires a verified email: sign-in is 403 email_not_verified, sign-up gives no tokens', async () => {
    const strict = await buildDirectRealm(gh());
    await gh().services.realms.update(await gh().prisma.realm.findUniqueOrThrow({ where: { id: strict.realm.id } }), { requireVerifiedEmail: true }, { actor: 'test' });
    const { email, tokens } = await signUp(gh(), strict);
    expect(tokens).toBeNull();
    expectProblem(await post(gh(), strict, '/auth/sign-in', { clientId: strict.app.clientId, email, password: PASSWORD }), 403, 'email_not_verified');
    // The wrong password still says only invalid_credentials.
    expectProblem(await post(gh(), strict, '/auth/sign-in', { clientId: strict.app.clientId, email, password: 'wrong wrong wrong' }), 401, 'invalid_credentials');
  });

  const BAD_BODIES = ([
    ['/auth/sign-up', {}],
    ['/auth/sign-up', { clientId: 'x', email: 'not-an-email', password: PASSWORD }],
    ['/auth/sign-up', { clientId: 'x', email: 'a@b.co', password: PASSWORD, extra: true }],
    ['/auth/sign-in', { clientId: 1, email: 'a@b.co', password: PASSWORD }],
    ['/auth/sign-in', { clientId: 'x', email: 'a@b.co', password: 'p'.repeat(10_000) }],
    ['/auth/sign-in', { clientId: 'x', email: 'a@b.co', password: PASSWORD, endUserIp: 'not an ip' }],
    ['/auth/sign-in', { clientId: 'x\u0000', email: 'a@b.co', password: PASSWORD }],
    ['/auth/sign-in', { clientId: 'x', email: 'a@b.co', password: PASSWORD, scope: ' openid' }],
    ['/auth/magic-links', { clientId: 'x', email: 'a@b.co' }],
    ['/auth/magic-links/exchange', { clientId: 'x' }],
    ['/auth/password-resets', { email: ['a@b.co'] }],
    ['/auth/sign-in', []],
  ] as [string, unknown][]).map(([path, body]) => [path, JSON.stringify(body).slice(0, 80), body]);
  it.each(BAD_BODIES as [string, string, unknown][])('POST %s with %s: 400 validation_failed', async (path, _label, body) => {
    const res = await post(gh(), r, path).set('content-type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
    expectProblem(res, 400, 'validation_failed');
  });

  it('another method: 405 method_not_allowed with Allow', async () => {
    for (const path of ['/auth/sign-in', '/auth/magic-links/exchange', `/users/${r.app.id}/email-verifications`]) {
      const res = await request(gh().url).get(`/api/v1/realms/${r.realm.name}${path}`).set(bearer(r.key));
      expectProblem(res, 405, 'method_not_allowed');
      expect(res.headers.allow).toBe('POST, OPTIONS');
    }
  });

  it('malformed JSON: 400 malformed_json; no key: 401; another media type: 415', async () => {
    expectProblem(await post(gh(), r, '/auth/sign-in').set('content-type', 'application/json').send('{"email":'), 400, 'malformed_json');
    expectProblem(await request(gh().url).post(`/api/v1/realms/${r.realm.name}/auth/sign-in`).send({ clientId: r.app.clientId }), 401, 'unauthenticated');
    expectProblem(await post(gh(), r, '/auth/sign-in').set('content-type', 'text/plain').send('email=a'), 415, 'unsupported_media_type');
  });
});
