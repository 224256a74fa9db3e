// PostgreSQL saturated: far more concurrent writes than pool connections. A request that cannot
// get a connection or start its transaction in time answers 503 + Retry-After (so the client
// backs off), never 500 "Unable to start a transaction in the given time". Also: the pool size
// comes from DATABASE_POOL_SIZE or the URL's connection_limit, and an API key's lastUsedAt is
// written at most once a minute (one UPDATE per API call ate a connection per request).
import { describe, expect, it } from 'vitest';
import { poolSettings } from '../../src/db/prisma.js';
import { buildRealm } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { bearer, buildDeveloper } from '../api/support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('400 concurrent POST /users on a pool of 2', () => {
  const gh = useGatehouse({
    DATABASE_POOL_SIZE: '3',
    DATABASE_TRANSACTION_WAIT_MS: '300',
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
  });

  it('answers every request 201 or 503 with Retry-After, and a 201 is a stored user', async () => {
    const { key, user } = await buildDeveloper(gh());
    const { name: realm } = await buildRealm(gh(), { ownerId: user.id });
    const results = await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        const res = await fetch(`${gh().url}/api/v1/realms/${realm}/users`, {
          method: 'POST',
          headers: { ...bearer(key), 'content-type': 'application/json' },
          body: JSON.stringify({ email: `load-${i}@example.com`, password: 'correct horse battery' }),
          signal: AbortSignal.timeout(60_000),
        });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type'), body: (await res.json()) as { code?: string } };
      }),
    );
    const byStatus = (status: number) => results.filter((r) => r.status === status);
    expect([...new Set(results.map((r) => r.status))].sort()).toEqual([201, 503]);
    for (const r of byStatus(503)) {
      expect(r).toMatchObject({ retryAfter: expect.stringMatching(/^\d+$/), type: expect.stringMatching(/^application\/problem\+json/), body: { code: 'service_unavailable' } });
    }
    const stored = await gh().prisma.user.count({ where: { realm: { name: realm } } });
    expect(stored).toBe(byStatus(201).length);
    expect(gh().logLines.filter((l) => l.includes('unhandled error'))).toEqual([]);
  }, 120_000);
});

describe('API key lastUsedAt', () => {
  const gh = useGatehouse();

  it('is written on first use, then not again within the minute however many calls follow', async () => {
    const { key, apiKey } = await buildDeveloper(gh());
    const lastUsed = async () => (await gh().prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    expect((await fetch(`${gh().url}/api/v1/realms`, { headers: bearer(key) })).status).toBe(200);
    let first: Date | null = null;
    for (let i = 0; i < 100 && !first; i++) {
      first = await lastUsed();
      if (!first) await sleep(20);
    }
    expect(first).toBeInstanceOf(Date);
    for (let i = 0; i < 5; i++) {
      await sleep(5);
      expect((await fetch(`${gh().url}/api/v1/realms`, { headers: bearer(key) })).status).toBe(200);
    }
    // The writes are off the request path: a later GET sees any that were sent.
    await gh().prisma.$queryRaw`SELECT pg_sleep(0.2)::text`;
    expect(await lastUsed()).toEqual(first);
  });
});

describe('pool size', () => {
  it('is DATABASE_POOL_SIZE, else the URL connection_limit, else 10; Prisma pool parameters never reach pg', () => {
    expect(poolSettings('postgresql://u@h:5432/db?connection_limit=4&pool_timeout=3&sslmode=disable')).toEqual({ connectionString: 'postgresql://u@h:5432/db?sslmode=disable', max: 4 });
    expect(poolSettings('postgresql://u@h:5432/db?connection_limit=4', 7).max).toBe(7);
    expect(poolSettings('postgresql://u@h:5432/db').max).toBe(10);
    expect(poolSettings('postgresql://u@h:5432/db?connection_limit=zero').max).toBe(10);
  });
});
