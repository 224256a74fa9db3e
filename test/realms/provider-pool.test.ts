// The provider pool under a realm change that lands while a provider is being built: requests
// after the change must get a provider built after it (a just-created app must be a known
// client), and the stale build must not be cached. Builds are deferred promises this test
// resolves, so the interleaving is exact.
import { describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/db/types.js';
import type { RealmProvider } from '../../src/oidc/provider-factory.js';
import { createProviderPool } from '../../src/realms/provider-pool.js';
import type { RealmRecord } from '../../src/realms/realm-scope.js';
import { createLocalRealmEvents } from '../../src/stores/realm-events.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A pool over one realm whose builds wait until the test releases them, in order. */
function poolWithControlledBuilds() {
  const realm = { id: 'realm-id', name: 'acme' } as RealmRecord;
  const prisma = { realm: { findUnique: async () => realm } } as unknown as PrismaClient;
  const builds: Array<ReturnType<typeof deferred<RealmProvider>>> = [];
  const events = createLocalRealmEvents({ onPublishError: (err) => { throw err; } });
  const pool = createProviderPool({
    prisma, events, max: 10, maxAgeMs: 60_000,
    build: () => {
      const build = deferred<RealmProvider>();
      builds.push(build);
      return build.promise;
    },
  });
  const provider = (label: string) => ({ label }) as unknown as RealmProvider;
  /** Lets the pool reach its build call (it reads the realm first). */
  const settle = () => new Promise((r) => setImmediate(r));
  return { pool, events, builds, provider, settle };
}

describe('provider pool', () => {
  it('a request after a change does not join the build that started before it', async () => {
    const { pool, events, builds, provider, settle } = poolWithControlledBuilds();
    const before = pool.get('acme');
    await settle();
    expect(builds).toHaveLength(1);

    await events.publishChanged('acme'); // e.g. an app was just created
    const after = pool.get('acme');
    await settle();
    expect(builds).toHaveLength(2);

    builds[0]!.resolve(provider('stale'));
    builds[1]!.resolve(provider('fresh'));
    expect(await before).toBe(await builds[0]!.promise);
    expect(await after).toBe(await builds[1]!.promise);
    // Only the build that started after the change is cached.
    expect(await pool.get('acme')).toEqual({ label: 'fresh' });
    expect(builds).toHaveLength(2);
  });

  it('the stale build finishing first neither gets cached nor cuts off the fresh build', async () => {
    const { pool, builds, provider, settle } = poolWithControlledBuilds();
    void pool.get('acme');
    await settle();
    pool.evict('acme');
    const fresh = pool.get('acme');
    await settle();

    builds[0]!.resolve(provider('stale'));
    await settle();
    // Still in flight: a third request joins it instead of starting a third build.
    const joined = pool.get('acme');
    await settle();
    expect(builds).toHaveLength(2);
    builds[1]!.resolve(provider('fresh'));
    expect(await fresh).toEqual({ label: 'fresh' });
    expect(await joined).toEqual({ label: 'fresh' });
    expect(pool.size()).toBe(1);
  });

  it('answers a name with no realm from memory for missingTtlMs, and at once again when the realm is created', async () => {
    let reads = 0;
    let row: RealmRecord | null = null;
    const prisma = { realm: { findUnique: async () => (reads++, row) } } as unknown as PrismaClient;
    const events = createLocalRealmEvents({ onPublishError: (err) => { throw err; } });
    const pool = createProviderPool({ prisma, events, max: 10, maxAgeMs: 60_000, missingTtlMs: 60_000, build: async (realm) => ({ label: realm.name }) as unknown as RealmProvider });
    expect(await pool.get('nobody')).toBeUndefined();
    expect(await pool.get('nobody')).toBeUndefined();
    expect(await pool.get('nobody')).toBeUndefined();
    expect(reads).toBe(1);
    expect(await pool.get('someone')).toBeUndefined();
    expect(reads).toBe(2);

    // Created now (realms.create announces it): the next request finds it.
    row = { id: 'realm-id', name: 'nobody' } as RealmRecord;
    await events.publishChanged('nobody');
    expect(await pool.get('nobody')).toEqual({ label: 'nobody' });
    expect(reads).toBe(3);
  });
});
