// The token endpoints go straight to the realm's provider (src/oidc/machine-endpoints.ts in front
// of Express for realms in memory, src/oidc/endpoints.ts directPost for the forms the realm
// router receives), with the security headers a JSON answer needs (HSTS, nosniff, frame options,
// as helmet itself sets them: src/http/security-headers.ts) and a request id; pages and
// other answers carry all of helmet's. The path variants Express would match (other case,
// trailing slash) and other methods are answered by the guard as before.
import { beforeAll, describe, expect, it } from 'vitest';
import { helmetHeaders, splitForApis } from '../../src/http/security-headers.js';
import { buildApp, buildRealm } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();
let issuer: string;
let basic: string;
beforeAll(async () => {
  const realm = await buildRealm(gh());
  issuer = `${gh().url}/realms/${realm.name}`;
  const { app, clientSecret } = await buildApp(gh(), realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
  basic = `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(clientSecret!)}`).toString('base64')}`;
});

const post = (path: string, body: string) =>
  fetch(`${issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: basic }, body });

const HELMET = helmetHeaders({ contentSecurityPolicy: false, crossOriginResourcePolicy: false, xPoweredBy: false });

const { api: API_HEADERS } = splitForApis(HELMET);

function expectSecurityHeaders(res: Response, headers = HELMET) {
  for (const [name, value] of headers) expect(res.headers.get(name), name).toBe(value);
  expect(res.headers.get('x-powered-by')).toBeNull();
}
/** What a token, introspection or revocation answer carries, served from memory or not. */
const expectApiHeaders = (res: Response) => expectSecurityHeaders(res, API_HEADERS);

describe('token endpoints, straight to the provider', () => {
  it('lists the headers helmet sets: HSTS, nosniff, frame and referrer policies among them', () => {
    const names = HELMET.map(([n]) => n.toLowerCase());
    expect(names).toEqual(expect.arrayContaining(['strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy']));
    expect(API_HEADERS.map(([n]) => n.toLowerCase()).sort()).toEqual(['strict-transport-security', 'x-content-type-options', 'x-frame-options']);
  });

  it('issues a token, not cached, with the security headers and a request id', async () => {
    const res = await post('/token', 'grant_type=client_credentials');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.headers.get('x-request-id')).toMatch(/\S/);
    expectApiHeaders(res);
    const { access_token: token } = (await res.json()) as { access_token: string };
    const introspected = await post('/token/introspection', `token=${token}`);
    expect(introspected.status).toBe(200);
    expect(await introspected.json()).toMatchObject({ active: true, token_type: 'Bearer' });
    expectApiHeaders(introspected);
  });

  it('answers the path in another case or with a trailing slash as the guard does: 404 JSON', async () => {
    for (const path of ['/TOKEN', '/token/', '/Token/Introspection']) {
      const res = await post(path, 'grant_type=client_credentials');
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toMatchObject({ error: 'not_found' });
      expectSecurityHeaders(res);
    }
  });

  it('answers a realm that does not exist 404 JSON, with the security headers', async () => {
    for (const path of ['/token', '/token/introspection', '/token/revocation']) {
      const res = await fetch(`${gh().url}/realms/no-such-realm-here${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: basic }, body: 'grant_type=client_credentials' });
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toEqual({ error: 'not_found', error_description: 'no such realm' });
      expectSecurityHeaders(res);
    }
  });

  it('serves the realm named with percent-encoded letters (Express decodes them) as the plain name', async () => {
    const encoded = issuer.replace(/\/realms\/(.)/, (_, c: string) => `/realms/%${c.charCodeAt(0).toString(16)}`);
    expect(encoded).not.toBe(issuer);
    const res = await fetch(`${encoded}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: basic }, body: 'grant_type=client_credentials' });
    expect(res.status).toBe(200);
    expectApiHeaders(res);
    const { access_token: token } = (await res.json()) as { access_token: string };
    // Issued by the same realm: its introspection endpoint knows the token.
    expect(await (await post('/token/introspection', `token=${token}`)).json()).toMatchObject({ active: true });
  });

  it('revokes a token at /token/revocation: introspection then calls it inactive', async () => {
    const { access_token: token } = (await (await post('/token', 'grant_type=client_credentials')).json()) as { access_token: string };
    const revoked = await post('/token/revocation', `token=${token}`);
    expect(revoked.status).toBe(200);
    expectApiHeaders(revoked);
    expect(await (await post('/token/introspection', `token=${token}`)).json()).toEqual({ active: false });
  });

  it('answers GET on the token endpoint 405 with Allow: POST', async () => {
    const res = await fetch(`${issuer}/token`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expectSecurityHeaders(res);
  });
});
