// The process's shared state, chosen once from config: Redis when REDIS_URL is set (N stateless
// instances), memory otherwise (one instance). Everything above this file is the same either way.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { ArtifactStore } from './oidc-adapter.js';
import { createMemoryArtifactStore } from './memory-artifact-store.js';
import { createRedisArtifactStore } from './redis-artifact-store.js';
import { createLocalRealmEvents, createRedisRealmEvents, type RealmEvents } from './realm-events.js';

export interface RateLimiterOptions {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
  blockSeconds?: number;
}

export interface Stores {
  kind: 'redis' | 'memory';
  artifacts: ArtifactStore;
  events: RealmEvents;
  rateLimiter(options: RateLimiterOptions): RateLimiterAbstract;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createMemoryStores(): Stores {
  return {
    kind: 'memory',
    artifacts: createMemoryArtifactStore(),
    events: createLocalRealmEvents(),
    rateLimiter: (o) => new RateLimiterMemory({ keyPrefix: o.keyPrefix, points: o.points, duration: o.durationSeconds, blockDuration: o.blockSeconds }),
    ping: async () => undefined,
    close: async () => undefined,
  };
}

export async function createRedisStores(url: string): Promise<Stores> {
  // protocol 2: pub/sub on a RESP2 connection behaves as in ioredis 5 (ENVIRONMENT.md).
  const options = { protocol: 2, maxRetriesPerRequest: 3, lazyConnect: true } as const;
  const redis = new Redis(url, options);
  const subscriber = new Redis(url, options);
  await Promise.all([redis.connect(), subscriber.connect()]);
  const events = await createRedisRealmEvents(redis, subscriber);
  return {
    kind: 'redis',
    artifacts: createRedisArtifactStore(redis),
    events,
    rateLimiter: (o) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `gh:rl:${o.keyPrefix}`, points: o.points, duration: o.durationSeconds, blockDuration: o.blockSeconds }),
    async ping() {
      await redis.ping();
    },
    async close() {
      await events.close();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
