// Announcing a realm change is best effort: it runs after the database commit, so a failure must
// not turn a saved change into a 500 (a new app's one-time client secret would be lost). It is
// logged, and the provider pool's max age bounds how long other instances serve the old realm.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createLocalRealmEvents, createRedisRealmEvents } from '../../src/stores/realm-events.js';
import { createRedisStores } from '../../src/stores/stores.js';

const redisUrl = process.env.REDIS_URL;

function captureLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe.runIf(redisUrl)('Redis realm events whose publisher fails', () => {
  it('resolves, reports the error, and still tells this instance', async () => {
    const subscriber = new Redis(redisUrl!, { protocol: 2, lazyConnect: true });
    const publisher = new Redis(redisUrl!, { protocol: 2, lazyConnect: true });
    await Promise.all([subscriber.connect(), publisher.connect()]);
    publisher.disconnect(); // Redis unreachable for this connection: PUBLISH rejects.
    const failures: Array<{ err: unknown; realm: string }> = [];
    const events = await createRedisRealmEvents(publisher, subscriber, { onPublishError: (err, realm) => failures.push({ err, realm }) });
    const seen: string[] = [];
    events.onChanged((name) => seen.push(name));
    try {
      await expect(events.publishChanged('acme')).resolves.toBeUndefined();
      expect(failures).toEqual([{ err: expect.any(Error), realm: 'acme' }]);
      // This instance drops its cached provider at once; the others fall back on the pool's max age.
      expect(seen).toEqual(['acme']);
    } finally {
      await events.close();
      subscriber.disconnect();
    }
  });

  it('is logged as a warning by the Redis stores', async () => {
    const { logger, lines } = captureLogger();
    const stores = await createRedisStores(redisUrl!, { logger });
    await stores.close(); // Both connections gone, as when Redis goes away.
    await expect(stores.events.publishChanged('acme')).resolves.toBeUndefined();
    const warning = lines.map((l) => JSON.parse(l) as { level: number; realm?: string; err?: { message: string }; msg: string }).find((l) => l.realm === 'acme');
    expect(warning).toMatchObject({ level: 40, err: { message: expect.any(String) } });
    expect(lines.join('')).not.toContain(redisUrl!);
  });
});

describe.runIf(redisUrl)('Redis realm events', () => {
  it('tell the instance that made the change before publishing resolves, and every other instance after', async () => {
    const connections: Redis[] = [];
    const connect = async () => {
      const c = new Redis(redisUrl!, { protocol: 2, lazyConnect: true });
      connections.push(c);
      await c.connect();
      return c;
    };
    const noError = { onPublishError: (err: unknown) => { throw err; } };
    const here = await createRedisRealmEvents(await connect(), await connect(), noError);
    const there = await createRedisRealmEvents(await connect(), await connect(), noError);
    const seenHere: string[] = [];
    const seenThere: string[] = [];
    here.onChanged((name) => seenHere.push(name));
    const heardThere = new Promise<void>((resolve) => there.onChanged((name) => (seenThere.push(name), resolve())));
    try {
      await here.publishChanged('acme');
      // Read-your-writes on this instance: a request right after the change must not meet the
      // provider built before it (the Redis echo arrives later, on its own schedule).
      expect(seenHere[0]).toBe('acme');
      await heardThere;
      expect(seenThere).toEqual(['acme']);
    } finally {
      await Promise.all([here.close(), there.close()]);
      for (const c of connections) c.disconnect();
    }
  });
});

describe('local realm events', () => {
  it('resolves and reports a failing listener instead of rejecting', async () => {
    const failures: string[] = [];
    const events = createLocalRealmEvents({ onPublishError: (_err, realm) => failures.push(realm) });
    events.onChanged(() => {
      throw new Error('listener failed');
    });
    await expect(events.publishChanged('acme')).resolves.toBeUndefined();
    expect(failures).toEqual(['acme']);
  });
});
