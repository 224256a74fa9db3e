// The token endpoint's strictness (issue 6 §4), seen by strict clients (openid-client 6,
// oauth4webapi 3) and raw requests: the registered client authentication method and no other
// (RFC 6749 §2.3, OpenID Connect Core §9), the per-client limit whatever the method, responses
// never cached (RFC 6749 §5.1), PKCE per app, and RFC 8414 §3 metadata at the origin.
import * as oauth from 'oauth4webapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildRealm } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { oidc } from '../support/relying-party.js';

const PER_CLIENT = 3;
const gh = useGatehouse({ RATE_LIMIT_TOKEN_PER_CLIENT: String(PER_CLIENT) });
let realm: Awaited<ReturnType<typeof buildRealm>>;
let issuer: string;
beforeAll(async () => {
  realm = await buildRealm(gh());
  issuer = `${gh().url}/realms/${realm.name}`;
});

type Method = 'client_secret_basic' | 'client_secret_post';
async function serviceApp(tokenEndpointAuthMethod?: Method) {
  const { app, clientSecret } = await buildApp(gh(), realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [], ...(tokenEndpointAuthMethod ? { tokenEndpointAuthMethod } : {}) });
  return { clientId: app.clientId, secret: clientSecret!, view: app };
}

/** openid-client configured to authenticate with `method`. */
function clientUsing(method: Method, clientId: string, secret: string) {
  const auth = method === 'client_secret_basic' ? oidc.ClientSecretBasic(secret) : oidc.ClientSecretPost(secret);
  return oidc.discovery(new URL(issuer), clientId, secret, auth, { execute: [oidc.allowInsecureRequests] });
}

/** A raw client_credentials request with the secret where `method` puts it. */
function tokenRequest(method: Method, clientId: string, secret: string) {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (method === 'client_secret_basic') headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  else body.set('client_id', clientId), body.set('client_secret', secret);
  return fetch(`${issuer}/token`, { method: 'POST', headers, body });
}

describe('client authentication: the registered method only', () => {
  it.each([
    ['client_secret_basic', 'client_secret_post'],
    ['client_secret_post', 'client_secret_basic'],
  ] as const)('an app registered for %s gets a token with it and invalid_client with %s', async (registered, other) => {
    const { clientId, secret, view } = await serviceApp(registered);
    expect(view.tokenEndpointAuthMethod).toBe(registered);
    const good = await oidc.clientCredentialsGrant(await clientUsing(registered, clientId, secret));
    expect(good.token_type.toLowerCase()).toBe('bearer');
    await expect(oidc.clientCredentialsGrant(await clientUsing(other, clientId, secret))).rejects.toMatchObject({ status: 401 });
    const wrong = await tokenRequest(other, clientId, secret);
    expect({ status: wrong.status, body: await wrong.json() }).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'client authentication failed' } });
  });

  it('defaults to client_secret_basic (what discovery lists first) for confidential apps, none for public ones', async () => {
    expect((await serviceApp()).view.tokenEndpointAuthMethod).toBe('client_secret_basic');
    const { app } = await buildApp(gh(), realm, { type: 'spa' });
    expect(app.tokenEndpointAuthMethod).toBe('none');
    await expect(buildApp(gh(), realm, { type: 'spa', tokenEndpointAuthMethod: 'client_secret_post' })).rejects.toMatchObject({ status: 400 });
  });
});

describe('the per-client token limit', () => {
  it.each(['client_secret_basic', 'client_secret_post'] as const)('counts %s requests: the one past the limit gets 429 slow_down with Retry-After', async (method) => {
    const { clientId, secret } = await serviceApp(method);
    for (let i = 0; i < PER_CLIENT; i++) expect((await tokenRequest(method, clientId, secret)).status).toBe(200);
    const refused = await tokenRequest(method, clientId, secret);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: 'slow_down' });
    // Another client of the realm is not held back.
    const other = await serviceApp(method);
    expect((await tokenRequest(method, other.clientId, other.secret)).status).toBe(200);
  });

  it.each(['client_secret_basic', 'client_secret_post'] as const)("cannot be used up by someone claiming the client's id with %s and a wrong secret", async (method) => {
    const { clientId, secret } = await serviceApp(method);
    for (let i = 0; i < PER_CLIENT * 3; i++) expect((await tokenRequest(method, clientId, 'not-the-secret')).status).toBe(401);
    for (let i = 0; i < PER_CLIENT; i++) expect((await tokenRequest(method, clientId, secret)).status).toBe(200);
  });
});

describe('token responses', () => {
  it('carry Cache-Control: no-store and Pragma: no-cache, success and error alike (RFC 6749 §5.1, §5.2)', async () => {
    const { clientId, secret } = await serviceApp();
    for (const res of [await tokenRequest('client_secret_basic', clientId, secret), await tokenRequest('client_secret_basic', clientId, 'wrong')]) {
      expect({ cache: res.headers.get('cache-control'), pragma: res.headers.get('pragma') }).toEqual({ cache: 'no-store', pragma: 'no-cache' });
    }
  });

  it('carry them through oauth4webapi too, which accepts the response', async () => {
    const { clientId, secret } = await serviceApp();
    const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { [oauth.allowInsecureRequests]: true, algorithm: 'oidc' }));
    const res = await oauth.clientCredentialsGrantRequest(as, { client_id: clientId }, oauth.ClientSecretBasic(secret), new URLSearchParams(), { [oauth.allowInsecureRequests]: true });
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect((await oauth.processClientCredentialsResponse(as, { client_id: clientId }, res)).access_token).toEqual(expect.any(String));
  });
});

describe('RFC 8414 §3 authorization server metadata', () => {
  it('is served at {BASE_URL}/.well-known/oauth-authorization-server/realms/{realm}, as oauth4webapi looks for it', async () => {
    const url = `${gh().config.baseUrl}/.well-known/oauth-authorization-server/realms/${realm.name}`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, string>;
    expect(doc).toMatchObject({ issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, authorization_endpoint: `${issuer}/authorize` });
    // oauth4webapi's 'oauth2' discovery builds exactly that URL from the issuer and checks `issuer`.
    const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
    expect(as.token_endpoint).toBe(`${issuer}/token`);
  });

  it('answers 404 for a realm that does not exist', async () => {
    const res = await fetch(`${gh().url}/.well-known/oauth-authorization-server/realms/no-such-realm`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });
});
