// What a load balancer and a relying party read before anything else: liveness and readiness,
// a realm's discovery document (OpenID Connect Discovery 1.0 §3), its JWKS (public keys only),
// the answer for a realm that does not exist, and the algorithm ID tokens are signed with.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/relying-party.js';
import { REDIRECT, expectFriendlyPage, setUpRealm } from '../security/support.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();
let realm: Awaited<ReturnType<typeof setUpRealm>>;
beforeAll(async () => {
  realm = await setUpRealm(gh());
});

const getJson = async (url: string) => {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
};

describe('health', () => {
  it('/healthz answers 200', async () => {
    expect(await getJson(`${gh().url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('/readyz answers 200 with the database checked, and Redis when configured', async () => {
    const redis = process.env.REDIS_URL ? 'ok' : 'not_configured';
    expect(gh().stores.kind).toBe(process.env.REDIS_URL ? 'redis' : 'memory');
    expect(await getJson(`${gh().url}/readyz`)).toEqual({
      status: 200, type: expect.stringMatching(/^application\/json/), body: { status: 'ready', checks: { database: 'ok', redis }, audit: { events: expect.any(Number), spoolBytes: expect.any(Number), durable: true } },
    });
  });
});

describe('an unknown realm', () => {
  it('answers 404 JSON for discovery', async () => {
    for (const name of ['no-such-realm', 'Not_A_Valid_Name']) {
      const res = await getJson(`${gh().url}/realms/${name}/.well-known/openid-configuration`);
      expect(res).toMatchObject({ status: 404, type: expect.stringMatching(/^application\/json/), body: { error: 'not_found' } });
    }
  });

  it('answers an HTML 404 page for /authorize in a browser', async () => {
    const res = await fetch(`${gh().url}/realms/no-such-realm/authorize?client_id=x&response_type=code`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    const page = { status: res.status, headers: res.headers, html: await res.text() };
    expectFriendlyPage(page, 404);
    expect(page.html).toContain('Realm not found');
    expect(page.html).toContain('realm_not_found');
  });
});

describe('discovery', () => {
  it('publishes the realm issuer, endpoints under it, S256 only, ES256/RS256 and the grant types', async () => {
    const { issuer } = realm;
    expect(issuer).toBe(`${gh().config.baseUrl}/realms/${realm.realm.name}`);
    const { status, body } = await getJson(`${issuer}/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      introspection_endpoint: `${issuer}/token/introspection`,
      revocation_endpoint: `${issuer}/token/revocation`,
      end_session_endpoint: `${issuer}/session/end`,
      code_challenge_methods_supported: ['S256'],
    });
    const endpoints = Object.entries(body).filter(([k]) => k.endsWith('_endpoint') || k === 'jwks_uri');
    expect(endpoints.filter(([, v]) => !String(v).startsWith(`${issuer}/`))).toEqual([]);
    expect(body.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'RS256']));
    expect(body.id_token_signing_alg_values_supported).not.toContain('none');
    expect((body.id_token_signing_alg_values_supported as string[]).filter((a) => a.startsWith('HS'))).toEqual([]);
    expect(body.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
  });

  it('publishes an EC P-256 (ES256) and an RSA (RS256) key, without private parts', async () => {
    const { status, body } = await getJson(`${realm.issuer}/jwks`);
    expect(status).toBe(200);
    const keys = body.keys as JWK[];
    expect(keys.find((k) => k.kty === 'EC')).toMatchObject({ crv: 'P-256', alg: 'ES256', kid: expect.any(String) });
    expect(keys.find((k) => k.kty === 'RSA')).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    for (const k of keys) for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']) expect(k).not.toHaveProperty(secret);
  });

  it('signs ID tokens with ES256 by default, verifiable with the published key', async () => {
    const { config, user, issuer, app } = realm;
    const { tokens } = await signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT });
    const header = decodeProtectedHeader(tokens.id_token!);
    expect(header.alg).toBe('ES256');
    const { body } = await getJson(`${issuer}/jwks`);
    expect((body.keys as JWK[]).find((k) => k.kid === header.kid)).toMatchObject({ kty: 'EC', crv: 'P-256' });
    const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: app.clientId, algorithms: ['ES256'] });
    expect(payload.sub).toBe(user.id);
  });
});
