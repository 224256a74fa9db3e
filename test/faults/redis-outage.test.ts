// Redis goes away under two running instances and comes back (issue 7 §1). While it is away,
// whatever needs it answers 503 + Retry-After at once, in the caller's shape; what does not need
// it (discovery, JWKS, health, the API's database reads) keeps answering; each instance logs one
// line when it goes and one when it is back. After it returns, service resumes without a restart,
// realm changes reach the other instance again, and a hung Redis (SIGSTOP) is bounded too.
// The Redis is the test's own (./redis-server.ts): the shared one is never touched.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from '../support/browser.js';
import { buildApp } from '../support/builders.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { bearer, buildRealmKey } from '../api/support.js';
import { authorization, expectFriendlyPage, isLoginPage, setUpRealm } from '../security/support.js';
import { REDIS_CLIENT_OPTIONS } from '../../src/stores/stores.js';
import { startOwnRedis, type OwnRedis } from './redis-server.js';

const UNREACHABLE = 'redis unreachable: requests that need it are answered 503 until it is back';
const REACHABLE = 'redis reachable again';
/**
 * Every request of this file fails instead of waiting out the test timeout: a hang is a failure.
 * Generous, for a loaded machine: what proves "no waiting for Redis" is that these requests all
 * complete, with their 503, while Redis is still down (ioredis's defaults waited ~20 s, then 500).
 */
const BOUND = { signal: () => AbortSignal.timeout(15_000) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls `done` until it holds or `tries` run out (a bound on the test's own wait, not a timed assert). */
async function poll(done: () => Promise<boolean>, tries = 100, everyMs = 100) {
  for (let i = 0; i < tries; i++) if (await done()) return true;
  else await sleep(everyMs);
  return false;
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const logged = (gh: TestGatehouse, msg: string) => gh.logLines.map((l) => JSON.parse(l) as { msg: string; level: number }).filter((l) => l.msg === msg);

describe('Redis down and back, two instances', () => {
  let redis: OwnRedis;
  let one: TestGatehouse;
  let two: TestGatehouse;
  let setup: Awaited<ReturnType<typeof setUpRealm>>;
  let service: { clientId: string; secret: string };
  let accessToken: string;
  let loginPage: Page;
  let apiKey: string;
  const consoleError = vi.spyOn(console, 'error');

  const post = (gh: TestGatehouse, path: string, form: Record<string, string>, auth: string) =>
    fetch(`${gh.url}/realms/${setup.realm.name}${path}`, {
      method: 'POST', signal: BOUND.signal(),
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
  const clientCredentials = (gh: TestGatehouse, client = service) => post(gh, '/token', { grant_type: 'client_credentials' }, basic(client.clientId, client.secret));

  /** A 503 in RFC 6749 §5.2 shape with Retry-After (RFC 9110 §10.2.3). */
  async function expectTemporarilyUnavailable(res: Response) {
    expect({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() }).toEqual({
      status: 503, retryAfter: '1', body: { error: 'temporarily_unavailable', error_description: expect.any(String) },
    });
  }

  beforeAll(async () => {
    redis = await startOwnRedis();
    one = await startTestGatehouse({ REDIS_URL: redis.url });
    two = await startTestGatehouse({ REDIS_URL: redis.url, BASE_URL: one.config.baseUrl }, { shareWith: one });
    setup = await setUpRealm(one);
    const made = await buildApp(one, setup.realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    service = { clientId: made.app.clientId, secret: made.clientSecret! };
    const token = await clientCredentials(one);
    expect(token.status).toBe(200);
    accessToken = ((await token.json()) as { access_token: string }).access_token;
    // A sign-in started before the outage: its interaction lives in Redis.
    loginPage = await setup.browser.navigate((await authorization(setup.config)).url);
    expect(isLoginPage(loginPage)).toBe(true);
    apiKey = (await buildRealmKey(one, setup.realm)).key;
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    await redis?.kill();
    consoleError.mockRestore();
  });

  it('while Redis is killed, protocol endpoints that need it answer 503 temporarily_unavailable with Retry-After', async () => {
    await redis.kill();
    await expectTemporarilyUnavailable(await clientCredentials(one));
    // These reach oidc-provider, whose adapter meets the outage: it answers, not Express.
    const auth = basic(service.clientId, service.secret);
    await expectTemporarilyUnavailable(await post(one, '/token/introspection', { token: accessToken }, auth));
    await expectTemporarilyUnavailable(await post(one, '/token/revocation', { token: accessToken }, auth));
    await expectTemporarilyUnavailable(
      await fetch(`${one.url}/realms/${setup.realm.name}/userinfo`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: BOUND.signal() }),
    );
    const par = { client_id: setup.app.clientId, response_type: 'code', redirect_uri: 'http://localhost:8080/cb', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
    await expectTemporarilyUnavailable(await post(one, '/request', par, basic(setup.app.clientId, setup.clientSecret!)));
    const authorize = (await authorization(setup.config)).url;
    await expectTemporarilyUnavailable(await fetch(authorize, { headers: { accept: 'application/json' }, redirect: 'manual', signal: BOUND.signal() }));
  });

  it('while Redis is killed, a browser gets the error page with Retry-After, on /authorize and on a sign-in page', async () => {
    for (const url of [(await authorization(setup.config)).url, loginPage.url]) {
      const res = await setup.browser.request(url);
      const page = { status: res.status, headers: res.headers, html: await res.text() };
      expectFriendlyPage(page, 503);
      expect(page.headers.get('retry-after')).toBe('1');
      expect(page.html).toContain('temporarily unavailable');
    }
  });

  it('while Redis is killed, discovery, JWKS, /healthz and the API keep answering; /readyz says redis is unavailable', async () => {
    const issuer = `${one.url}/realms/${setup.realm.name}`;
    expect((await fetch(`${issuer}/.well-known/openid-configuration`, { signal: BOUND.signal() })).status).toBe(200);
    expect((await fetch(`${issuer}/jwks`, { signal: BOUND.signal() })).status).toBe(200);
    expect((await fetch(`${two.url}/realms/${setup.realm.name}/jwks`, { signal: BOUND.signal() })).status).toBe(200);
    expect((await fetch(`${one.url}/healthz`, { signal: BOUND.signal() })).status).toBe(200);
    const ready = await fetch(`${one.url}/readyz`, { signal: BOUND.signal() });
    expect({ status: ready.status, body: await ready.json() }).toMatchObject({ status: 503, body: { status: 'not_ready', checks: { database: 'ok', redis: 'unavailable' } } });
    const apps = await request(one.url).get(`/api/v1/realms/${setup.realm.name}/apps`).set(bearer(apiKey));
    expect(apps.status).toBe(200);
    // A change is saved and answered although it cannot be announced to the other instance.
    const patched = await request(one.url).patch(`/api/v1/realms/${setup.realm.name}`).set(bearer(apiKey)).send({ displayName: 'During the outage' });
    expect(patched.status).toBe(200);
  });

  it('while Redis is killed, a burst of concurrent token requests all get 503, none waits for Redis to return', async () => {
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => clientCredentials(i % 2 ? one : two).then((r) => r.status)));
    expect(statuses).toEqual(Array(60).fill(503));
  });

  it('each instance logged the outage once (not per request or per client), and ioredis printed no unhandled error', () => {
    for (const gh of [one, two]) {
      expect(logged(gh, UNREACHABLE)).toHaveLength(1);
      expect(logged(gh, UNREACHABLE)[0]).toMatchObject({ level: 50, dependency: 'redis' });
      expect(logged(gh, 'redis command failed')).toEqual([]);
      expect(logged(gh, 'readiness check failed')).toEqual([]);
      expect(gh.logLines.join('')).not.toContain(redis.url);
    }
    expect(consoleError.mock.calls.flat().join(' ')).not.toContain('[ioredis] Unhandled error event');
  });

  it('the clients try to reconnect at least every 500 ms, so service is back within 2 s of Redis', () => {
    const delays = Array.from({ length: 10_000 }, (_, i) => REDIS_CLIENT_OPTIONS.retryStrategy(i + 1));
    expect(Math.max(...delays)).toBeLessThanOrEqual(500);
  });

  it('when Redis returns, both instances serve tokens again without a restart, and log it once', async () => {
    await redis.start();
    const ready = async (gh: TestGatehouse) => (await fetch(`${gh.url}/readyz`, { signal: BOUND.signal() })).status === 200;
    expect(await poll(async () => (await ready(one)) && (await ready(two)))).toBe(true);
    for (const gh of [one, two]) {
      const token = await clientCredentials(gh);
      expect(token.status).toBe(200);
      const { access_token } = (await token.json()) as { access_token: string };
      const introspected = await post(gh === one ? two : one, '/token/introspection', { token: access_token }, basic(service.clientId, service.secret));
      expect(await introspected.json()).toMatchObject({ active: true, client_id: service.clientId });
      // Once in each instance's log (CI on a loaded machine once read it before it was there).
      expect(await poll(async () => logged(gh, REACHABLE).length > 0, 50, 100)).toBe(true);
      expect(logged(gh, REACHABLE)).toHaveLength(1);
      expect(logged(gh, UNREACHABLE)).toHaveLength(1);
    }
  });

  it('after the outage, a realm change made on one instance still reaches the other (pub/sub resubscribed)', async () => {
    // Instance two has the realm's provider cached; the new app is known to it only if told.
    expect((await fetch(`${two.url}/realms/${setup.realm.name}/.well-known/openid-configuration`)).status).toBe(200);
    const made = await buildApp(one, setup.realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    const token = await clientCredentials(two, { clientId: made.app.clientId, secret: made.clientSecret! });
    expect(token.status).toBe(200);
  });

  it('a hung Redis (SIGSTOP) is answered 503 after the command timeout, not waited for, and service resumes on SIGCONT', async () => {
    redis.pause();
    try {
      await expectTemporarilyUnavailable(await clientCredentials(one));
      // Logged once commands have kept timing out for a second (readiness probes keep trying).
      expect(await poll(async () => {
        expect((await fetch(`${one.url}/readyz`, { signal: BOUND.signal() })).status).toBe(503);
        return logged(one, UNREACHABLE).length === 2;
      }, 20, 0)).toBe(true);
    } finally {
      redis.resume();
    }
    expect((await clientCredentials(one)).status).toBe(200);
    expect(logged(one, REACHABLE)).toHaveLength(2);
    expect(logged(one, UNREACHABLE)).toHaveLength(2);
  });
});
