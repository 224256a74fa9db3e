// The ArtifactStores the adapter runs on: memory always, Redis too when REDIS_URL is set, each
// under its own key prefix so parallel test files sharing one Redis database never collide.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryArtifactStore } from '../../src/stores/memory-artifact-store.js';
import type { ArtifactStore } from '../../src/stores/oidc-adapter.js';
import { createRedisArtifactStore } from '../../src/stores/redis-artifact-store.js';

export interface TestArtifactStore {
  store: ArtifactStore;
  /** Keys this store holds in Redis (undefined in memory, where there is no such view). */
  redisKeys(): Promise<string[] | undefined>;
  close(): Promise<void>;
}

export const artifactStoreKinds = process.env.REDIS_URL ? (['memory', 'redis'] as const) : (['memory'] as const);

export async function openArtifactStore(kind: 'memory' | 'redis'): Promise<TestArtifactStore> {
  if (kind === 'memory') return { store: createMemoryArtifactStore(), redisKeys: async () => undefined, close: async () => undefined };
  const redis = new Redis(process.env.REDIS_URL!, { protocol: 2, lazyConnect: true });
  await redis.connect();
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const redisKeys = async () => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  };
  return {
    store: createRedisArtifactStore(redis, { prefix }),
    redisKeys,
    async close() {
      const keys = await redisKeys();
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
