// Every absolute URL Gatehouse emits derives from BASE_URL, never from the request's Host or
// X-Forwarded-Host (issue 6 §3): a client-written header must not reach discovery (which a shared
// cache could then serve to every relying party), the resume URL of a sign-in, or the logout form.
// Node's fetch drops a Host header it is given, so the forged requests go through node:http.
import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { authorization, setUpRealm } from '../security/support.js';
import { useGatehouse } from '../support/gatehouse.js';
import { METADATA_MAX_AGE_SECONDS } from '../../src/oidc/cache-headers.js';

const FORGED_HOST = { host: 'evil.example', 'x-forwarded-host': 'evil.example' };
const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', accept: 'application/json' };

interface RawAnswer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A GET with exactly these headers (Host included), answered as sent. */
function rawGet(url: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

// TRUST_PROXY=1: Gatehouse believes one proxy's X-Forwarded-*, the case where the forged
// X-Forwarded-Host used to reach the URLs.
const gh = useGatehouse({ TRUST_PROXY: '1' });
let realm: Awaited<ReturnType<typeof setUpRealm>>;
beforeAll(async () => {
  realm = await setUpRealm(gh());
});

describe('discovery and JWKS', () => {
  it('publish the same BASE_URL-derived URLs whatever Host and X-Forwarded-Host say', async () => {
    const url = `${realm.issuer}/.well-known/openid-configuration`;
    const honest = await rawGet(url, { host: new URL(gh().url).host, accept: 'application/json' });
    const forged = await rawGet(url, FORGED);
    expect(forged.status).toBe(200);
    expect(JSON.parse(forged.body)).toEqual(JSON.parse(honest.body));
    expect(forged.body).not.toContain('evil.example');
    const doc = JSON.parse(forged.body) as Record<string, string>;
    expect(doc.jwks_uri).toBe(`${gh().config.baseUrl}/realms/${realm.realm.name}/jwks`);
    expect(doc.token_endpoint).toBe(`${realm.issuer}/token`);
  });

  it('another realm publishes its own issuer on BASE_URL too (its provider shares the first provider\'s Koa prototypes)', async () => {
    expect((await rawGet(`${realm.issuer}/.well-known/openid-configuration`, FORGED)).status).toBe(200); // the first provider is built
    const other = await setUpRealm(gh());
    const forged = await rawGet(`${other.issuer}/.well-known/openid-configuration`, FORGED);
    expect(forged.status).toBe(200);
    expect(forged.body).not.toContain('evil.example');
    const doc = JSON.parse(forged.body) as Record<string, string>;
    expect({ issuer: doc.issuer, token: doc.token_endpoint, jwks: doc.jwks_uri }).toEqual({
      issuer: other.issuer, token: `${other.issuer}/token`, jwks: `${gh().config.baseUrl}/realms/${other.realm.name}/jwks`,
    });
    expect(other.issuer).not.toBe(realm.issuer);
  });

  it('may be cached for a short while by anyone (Cache-Control: public, max-age in minutes)', async () => {
    for (const path of ['/.well-known/openid-configuration', '/jwks']) {
      const res = await rawGet(`${realm.issuer}${path}`, FORGED);
      expect({ path, status: res.status, cache: res.headers['cache-control'] }).toEqual({ path, status: 200, cache: `public, max-age=${METADATA_MAX_AGE_SECONDS}` });
    }
    // Well below the default --activate-after of a key rotation (600 s), less the 5 minutes an
    // instance without Redis may take to load the new keys.
    expect(METADATA_MAX_AGE_SECONDS).toBeGreaterThanOrEqual(60);
    expect(METADATA_MAX_AGE_SECONDS + 300).toBeLessThan(600);
  });

  it('an error is not cached', async () => {
    const res = await rawGet(`${gh().url}/realms/no-such-realm/.well-known/openid-configuration`, FORGED);
    expect(res.status).toBe(404);
    expect(res.headers['cache-control'] ?? '').not.toMatch(/public|max-age/);
  });
});

describe('sign-in and logout started with a forged Host', () => {
  it('is sent to the same authorization on BASE_URL before any page or cookie (canonical host)', async () => {
    // src/http/canonical-host.ts answers browser-facing paths on a foreign Host first, so the
    // provider never builds a resume URL or sets a cookie for that host.
    const { url } = await authorization(realm.config);
    const started = await rawGet(url, { ...FORGED_HOST, accept: 'text/html' });
    expect(started.status).toBe(308);
    const target = new URL(url);
    expect(String(started.headers.location)).toBe(`${gh().url}${target.pathname}${target.search}`);
    expect(started.headers['set-cookie']).toBeUndefined();
  });

  it('the logout confirmation posts to the BASE_URL endpoint', async () => {
    const res = await rawGet(`${realm.issuer}/session/end?client_id=${realm.app.clientId}`, { ...FORGED, accept: 'text/html' });
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('evil.example');
    expect(res.body).toContain(`action="${realm.issuer}/session/end/confirm"`);
  });
});
