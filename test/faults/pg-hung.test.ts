// PostgreSQL hung (every process SIGSTOPped: connections open, nothing answers) under a running
// Gatehouse: what needs the database answers 503 + Retry-After within its timeouts, in each
// caller's shape, instead of waiting for the server to come back; what does not keep answering;
// and everything works again once it resumes.
import { expect, it } from 'vitest';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';
import { discover, signIn } from '../support/relying-party.js';
import { buildDeveloper } from '../api/support.js';
import { useGatehouseOnFaultyPostgres } from './pg-server.js';

const REDIRECT = 'http://localhost:8080/cb';
const faulty = useGatehouseOnFaultyPostgres();

/** A request that gives up after 8 s (well past the database timeouts of useGatehouseOnFaultyPostgres, well before the test timeout). */
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${faulty().gh.url}${path}`, { headers, signal: AbortSignal.timeout(8000) });

it('answers 503 with Retry-After while PostgreSQL hangs (API, cold realm, findAccount), keeps health and warm discovery up, and recovers', async () => {
  const { pg, gh } = faulty();
  const { key } = await buildDeveloper(gh);
  const warm = await buildRealm(gh);
  const cold = await buildRealm(gh);
  const app = await buildApp(gh, warm, { redirectUris: [REDIRECT] });
  const user = await buildUser(gh, warm);
  const config = await discover(`${gh.url}/realms/${warm.name}`, app.app.clientId, app.clientSecret);
  const { tokens } = await signIn(config, gh.url, { email: user.email, password: user.password, redirectUri: REDIRECT });

  await pg.hang();
  try {
    const [api, coldDiscovery, userinfo, userinfoPage, warmDiscovery, healthz, readyz] = await Promise.all([
      get('/api/v1/realms', { authorization: `Bearer ${key}` }),
      get(`/realms/${cold.name}/.well-known/openid-configuration`),
      get(`/realms/${warm.name}/userinfo`, { authorization: `Bearer ${tokens.access_token}` }),
      get(`/realms/${warm.name}/userinfo`, { authorization: `Bearer ${tokens.access_token}`, accept: 'text/html' }),
      get(`/realms/${warm.name}/.well-known/openid-configuration`),
      get('/healthz'),
      get('/readyz'),
    ]);
    // Every answer arrived while the server was still stopped.
    expect({ status: api.status, type: api.headers.get('content-type'), retry: api.headers.get('retry-after'), body: await api.json() }).toMatchObject({
      status: 503, type: expect.stringMatching(/^application\/problem\+json/), retry: expect.stringMatching(/^\d+$/), body: { code: 'service_unavailable' },
    });
    for (const res of [coldDiscovery, userinfo]) {
      expect({ status: res.status, retry: res.headers.get('retry-after'), body: await res.json() }).toMatchObject({
        status: 503, retry: expect.stringMatching(/^\d+$/), body: { error: 'temporarily_unavailable', error_description: expect.any(String) },
      });
    }
    expect({ status: userinfoPage.status, retry: userinfoPage.headers.get('retry-after'), type: userinfoPage.headers.get('content-type') }).toMatchObject({
      status: 503, retry: expect.stringMatching(/^\d+$/), type: expect.stringMatching(/^text\/html/),
    });
    expect(await userinfoPage.text()).toContain('temporarily unavailable');
    expect(warmDiscovery.status).toBe(200);
    expect(healthz.status).toBe(200);
    expect(readyz.status).toBe(503);
  } finally {
    await pg.resume();
  }

  const again = await get('/api/v1/realms', { authorization: `Bearer ${key}` });
  expect(again.status).toBe(200);
  expect((await get(`/realms/${cold.name}/.well-known/openid-configuration`)).status).toBe(200);
  const info = await get(`/realms/${warm.name}/userinfo`, { authorization: `Bearer ${tokens.access_token}` });
  expect({ status: info.status, body: await info.json() }).toMatchObject({ status: 200, body: { sub: user.id } });
  // One warning for the outage, not one per request, and no 500 logged.
  expect(gh.logLines.filter((l) => l.includes('database unavailable')).length).toBeLessThanOrEqual(2);
  expect(gh.logLines.filter((l) => l.includes('unhandled error') || l.includes('oidc server_error'))).toEqual([]);
}, 60_000);
