// The authorization code flow end to end, driven by the certified openid-client 6, in two realms.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { discover, oidc, signIn } from '../support/relying-party.js';

const gh = useGatehouse();
beforeAll(async () => {
});

const REDIRECT = 'http://localhost:8080/cb';

async function setUpRealm() {
  const realm = await buildRealm(gh());
  const { app, clientSecret } = await buildApp(gh(), realm);
  const user = await buildUser(gh(), realm);
  const issuer = `${gh().url}/realms/${realm.name}`;
  const config = await discover(issuer, app.clientId, clientSecret);
  return { realm, app, clientSecret: clientSecret!, user, issuer, config };
}

describe.each(['first', 'second'])('code flow in the %s realm', () => {
  it('signs in with PKCE, consents, and gets validated tokens, userinfo, refresh, introspection, revocation and logout', async () => {
    const { user, issuer, config, app } = await setUpRealm();
    expect(config.serverMetadata().issuer).toBe(issuer);
    expect(config.serverMetadata().code_challenge_methods_supported).toContain('S256');

    const { tokens, pages, browser } = await signIn(config, gh().url, {
      email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid profile email offline_access', prompt: 'consent',
    });
    expect(pages.some((p) => p.includes('Allow access?'))).toBe(true);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(issuer);
    expect(claims.sub).toBe(user.id);
    expect(claims.aud).toBe(app.clientId);
    expect(tokens.refresh_token).toBeTruthy();

    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info).toMatchObject({ sub: user.id, email: user.email, email_verified: true, name: 'Test User' });

    // Refresh rotation: a new refresh token each time; replaying the old one revokes the grant.
    const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(rotated.refresh_token).toBeTruthy();
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(config, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(config, rotated.access_token)).active).toBe(false);

    // A fresh sign-in reuses the session and the remembered consent: no login or consent page.
    const again = await signIn(config, gh().url, { email: user.email, password: 'unused', redirectUri: REDIRECT, browser });
    expect(again.pages).toEqual([]);
    const introspected = await oidc.tokenIntrospection(config, again.tokens.access_token);
    expect(introspected).toMatchObject({ active: true, sub: user.id, client_id: app.clientId });
    await oidc.tokenRevocation(config, again.tokens.access_token);
    expect((await oidc.tokenIntrospection(config, again.tokens.access_token)).active).toBe(false);

    // RP-initiated logout with id_token_hint and post_logout_redirect_uri.
    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: again.tokens.id_token!, post_logout_redirect_uri: 'http://localhost:8080/logged-out', state: 'bye',
    });
    const confirm = await browser.navigate(endSession.href);
    expect(confirm.html).toContain('Sign out?');
    const done = await browser.submit(confirm, '/session/end', { logout: 'yes' });
    expect(done.leftTo).toBe('http://localhost:8080/logged-out?state=bye');
    // Signed out: the next authorization asks for the password again.
    const afterLogout = await browser.navigate(oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    }).href);
    expect(afterLogout.html).toContain('name="password"');
  });
});

describe('client_credentials', () => {
  it('issues an opaque token to a service app and a verifiable RFC 9068 JWT for a registered API', async () => {
    const realm = await buildRealm(gh());
    await gh().services.forRealm(realm).apiResources.create({ identifier: 'https://api.example.com', name: 'API', scopes: ['read', 'write'] }, { actor: 'test' });
    const { app, clientSecret } = await buildApp(gh(), realm, {
      type: 'service', redirectUris: [], postLogoutRedirectUris: [], apiAccess: [{ resource: 'https://api.example.com', scopes: ['read'] }],
    });
    const issuer = `${gh().url}/realms/${realm.name}`;
    const config = await discover(issuer, app.clientId, clientSecret);

    const opaque = await oidc.clientCredentialsGrant(config);
    expect(opaque.access_token.split('.')).toHaveLength(1);
    expect((await oidc.tokenIntrospection(config, opaque.access_token)).active).toBe(true);

    const jwt = await oidc.clientCredentialsGrant(config, { resource: 'https://api.example.com', scope: 'read' });
    const { jwtVerify, createRemoteJWKSet, decodeProtectedHeader } = await import('jose');
    expect(decodeProtectedHeader(jwt.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    const { payload } = await jwtVerify(jwt.access_token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: 'https://api.example.com', typ: 'at+jwt' });
    expect(payload).toMatchObject({ client_id: app.clientId, scope: 'read' });
    expect(payload.exp! - payload.iat!).toBe(15 * 60);

    // Each grant is audited (batched writes: flush to read them now).
    await gh().auditWriter.flush();
    const audited = await gh().prisma.auditEvent.findMany({ where: { realmId: realm.id, action: 'token.granted' } });
    expect(audited).toHaveLength(2);
    expect(audited[0]).toMatchObject({ actor: `app:${app.clientId}`, ip: '127.0.0.1', data: { grantType: 'client_credentials' } });
    expect(audited[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);

    await expect(discover(issuer, app.clientId, 'wrong-secret').then((c) => oidc.clientCredentialsGrant(c))).rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: 'invalid_client' } }] });
  });
});
