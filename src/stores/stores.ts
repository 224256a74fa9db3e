// The process's shared state, chosen once from config: Redis when REDIS_URL is set (N stateless
// instances), memory otherwise (one instance). Everything above this file is the same either way.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../observability/logger.js';
import type { ArtifactStore } from './oidc-adapter.js';
import { createMemoryArtifactStore, DEFAULT_MEMORY_ARTIFACT_LIMITS, memoryLimits } from './memory-artifact-store.js';
import { createRedisArtifactStore } from './redis-artifact-store.js';
import { createLocalRealmEvents, createRedisRealmEvents, type RealmEvents, type RealmEventsOptions } from './realm-events.js';

export interface RateLimiterOptions {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

export interface Stores {
  kind: 'redis' | 'memory';
  artifacts: ArtifactStore;
  events: RealmEvents;
  rateLimiter(options: RateLimiterOptions): RateLimiterAbstract;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoresOptions {
  /** Where store problems that do not fail a request are reported (a lost realm-change announcement). */
  logger: Pick<Logger, 'warn'>;
  /** Bounds on the artifact store (config.artifacts); defaults when omitted. */
  artifacts?: { pendingPerRealm: number; memoryMibPerRealm: number };
}

/** Logs the realm and the error only: the payload is a realm name, never a secret. */
function eventsOptions({ logger }: StoresOptions): RealmEventsOptions {
  return {
    onPublishError: (err, realm) =>
      logger.warn({ err, realm }, 'could not announce a realm change; other instances rebuild its provider when their copy reaches the pool max age'),
  };
}

export function createMemoryStores(opts: StoresOptions): Stores {
  return {
    kind: 'memory',
    artifacts: createMemoryArtifactStore(opts.artifacts ? memoryLimits(opts.artifacts.memoryMibPerRealm, opts.artifacts.pendingPerRealm) : DEFAULT_MEMORY_ARTIFACT_LIMITS),
    events: createLocalRealmEvents(eventsOptions(opts)),
    rateLimiter: (o) => new RateLimiterMemory({ keyPrefix: o.keyPrefix, points: o.points, duration: o.durationSeconds }),
    ping: async () => undefined,
    close: async () => undefined,
  };
}

export async function createRedisStores(url: string, opts: StoresOptions): Promise<Stores> {
  // protocol 2: pub/sub on a RESP2 connection behaves as in ioredis 5 (ENVIRONMENT.md).
  const options = { protocol: 2, maxRetriesPerRequest: 3, lazyConnect: true } as const;
  const redis = new Redis(url, options);
  const subscriber = new Redis(url, options);
  // Rate-limit counters get a connection of their own with auto-pipelining: a token request
  // makes three small counter commands, and socket writes were the largest single cost of a
  // token request on Redis; auto-pipelining sends the commands of one event-loop turn in one
  // write (measured with npm run bench: about a fifth more token throughput). Not for the
  // artifact store: auto-pipelined commands go out after a MULTI sent in the same turn, so its
  // writes could be reordered; counters are independent increments, in any order.
  const counters = new Redis(url, { ...options, enableAutoPipelining: true });
  await Promise.all([redis.connect(), subscriber.connect(), counters.connect()]);
  const events = await createRedisRealmEvents(redis, subscriber, eventsOptions(opts));
  return {
    kind: 'redis',
    artifacts: createRedisArtifactStore(redis, { pendingPerRealm: opts.artifacts?.pendingPerRealm }),
    events,
    rateLimiter: (o) =>
      new RateLimiterRedis({ storeClient: counters, keyPrefix: `gh:rl:${o.keyPrefix}`, points: o.points, duration: o.durationSeconds }),
    async ping() {
      await Promise.all([redis.ping(), counters.ping()]);
    },
    async close() {
      await events.close();
      redis.disconnect();
      subscriber.disconnect();
      counters.disconnect();
    },
  };
}
