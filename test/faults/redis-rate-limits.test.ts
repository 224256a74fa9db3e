// Rate limiters whose counters live in a Redis that is gone fail closed: every limiter call
// answers ServiceUnavailableError (503 + Retry-After) at once, never a pass and never a hang.
// The login throttle is the one that matters most: a throttle that cannot count must not let
// unlimited password guesses through. (Over HTTP the sign-in form meets the outage earlier, at
// its interaction, which lives in Redis too: so the throttle is asserted here directly.)
import { Writable } from 'node:stream';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consume } from '../../src/http/rate-limit.js';
import { ServiceUnavailableError } from '../../src/http/unavailable.js';
import { createLoginThrottle } from '../../src/modules/auth/login-throttle.js';
import { createLogger } from '../../src/observability/logger.js';
import { createRedisStores, type Stores } from '../../src/stores/stores.js';
import { findFreePort } from '../../src/db/ports.js';
import { startOwnRedis, type OwnRedis } from './redis-server.js';

const LIMITS = { loginPerIp: 100, loginPerAccount: 100, lockoutFailures: 3, lockoutSeconds: 60 } as Parameters<typeof createLoginThrottle>[1];

function capture() {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => done(void lines.push(String(chunk))) }));
  return { logger, msgs: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}

describe('rate limits on a Redis that is gone', () => {
  let redis: OwnRedis;
  let stores: Stores;
  const log = capture();
  beforeAll(async () => {
    redis = await startOwnRedis();
    stores = await createRedisStores(redis.url, { logger: log.logger });
  });
  afterAll(async () => {
    await stores?.close();
    await redis?.kill();
  });

  it('the login throttle refuses with ServiceUnavailableError (fail closed) for check, failure and success', async () => {
    const throttle = createLoginThrottle(stores, LIMITS, { masterKey: Buffer.alloc(32, 7), secureCookies: false });
    expect(await throttle.check('realm', 'a@example.com', '192.0.2.1')).toEqual({ ok: true });
    await redis.kill();
    await expect(throttle.check('realm', 'a@example.com', '192.0.2.1')).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(throttle.failed('realm', 'a@example.com', '192.0.2.1')).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(throttle.succeeded('realm', 'a@example.com', '192.0.2.1')).rejects.toBeInstanceOf(ServiceUnavailableError);
    const limiter = stores.rateLimiter({ keyPrefix: 'fault-test', points: 1, durationSeconds: 60 });
    await expect(consume(limiter, 'k')).rejects.toMatchObject({ status: 503, retryAfterSeconds: 1, dependency: 'redis' });
    // One line for the outage, none per refused call.
    expect(log.msgs().filter((m) => m.startsWith('redis'))).toEqual(['redis unreachable: requests that need it are answered 503 until it is back']);
  });

  it('over the limit is still a refusal with a wait, not an outage', async () => {
    await redis.start();
    const limiter = stores.rateLimiter({ keyPrefix: `fault-test-${Date.now()}`, points: 1, durationSeconds: 60 });
    // The clients reconnect within 500 ms; bounded wait for the first answer.
    let first: Awaited<ReturnType<typeof consume>> | undefined;
    for (let i = 0; i < 40 && !first; i++) first = await consume(limiter, 'k').catch(() => new Promise<undefined>((r) => setTimeout(r, 50)));
    expect(first).toEqual({ ok: true });
    expect(await consume(limiter, 'k')).toMatchObject({ ok: false, retryAfterSeconds: expect.any(Number) });
  });
});

describe('consume() with any counter store that fails', () => {
  it('answers ServiceUnavailableError instead of rethrowing the store error (a 500)', async () => {
    const broken = new RateLimiterMemory({ points: 1, duration: 60 });
    broken.consume = () => Promise.reject(new Error('store exploded'));
    await expect(consume(broken, 'k')).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});

describe('Redis unreachable at startup', () => {
  it('createRedisStores rejects instead of waiting for it', async () => {
    const port = await findFreePort();
    await expect(createRedisStores(`redis://127.0.0.1:${port}`, { logger: capture().logger })).rejects.toThrow();
  });
});
