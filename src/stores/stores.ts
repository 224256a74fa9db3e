// The process's shared state, chosen once from config: Redis when REDIS_URL is set (N stateless
// instances), memory otherwise (one instance). Everything above this file is the same either way.
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../observability/logger.js';
import type { ArtifactStore } from './oidc-adapter.js';
import { createMemoryArtifactStore, DEFAULT_MEMORY_ARTIFACT_LIMITS, memoryLimits } from './memory-artifact-store.js';
import { createRedisArtifactStore } from './redis-artifact-store.js';
import type { SqlPool } from '../db/prisma.js';
import { createPostgresRealmEvents } from './postgres-realm-events.js';
import { createLocalRealmEvents, createRedisRealmEvents, type RealmEvents, type RealmEventsOptions } from './realm-events.js';
import { createRedisHealth } from './redis-health.js';
import { guardRedisCalls } from './store-unavailable.js';

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
  /**
   * Where store problems are reported: a lost realm-change announcement (warn), and with Redis
   * one line when it becomes unreachable (error) and one when it is back (info).
   */
  logger: Pick<Logger, 'warn' | 'error' | 'info'>;
  /** Bounds on the artifact store (config.artifacts); defaults when omitted. */
  artifacts?: { pendingPerRealm: number; memoryMibPerRealm: number };
}

/**
 * Bounded waits for every Redis command (issue 7 §1: with ioredis's defaults a request waited
 * ~20 s in the offline queue through reconnect backoff, then got a 500):
 * - no offline queue: a command while disconnected fails at once, and is answered 503;
 * - a command in flight when the connection drops fails at the first reconnect attempt
 *   (maxRetriesPerRequest 0), not after several;
 * - commandTimeout: a hung or partitioned Redis (socket open, no answer) fails a command in 500 ms;
 * - reconnect every 50-500 ms, so service is back within about half a second of Redis.
 */
export const REDIS_CLIENT_OPTIONS = {
  // protocol 2: pub/sub on a RESP2 connection behaves as in ioredis 5 (ENVIRONMENT.md).
  protocol: 2,
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 500,
  connectTimeout: 1000,
  retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
} as const;

/** Logs the realm and the error only: the payload is a realm name, never a secret. */
function eventsOptions({ logger }: StoresOptions): RealmEventsOptions {
  return {
    onPublishError: (err, realm) =>
      logger.warn({ err, realm }, 'could not announce a realm change; other instances rebuild its provider when their copy reaches the pool max age'),
  };
}

/**
 * `database`: realm changes are announced through it (PostgreSQL LISTEN/NOTIFY), so changes made
 * by another process on the same database (the CLI) reach this one at once; without it, only
 * within this process.
 */
export function createMemoryStores(opts: StoresOptions & { database?: { connectionString: string; sql: SqlPool; connectTimeoutMs: number } }): Stores {
  const { database, logger } = opts;
  const events = database ? createPostgresRealmEvents({ ...eventsOptions(opts), ...database, logger }) : createLocalRealmEvents(eventsOptions(opts));
  return {
    kind: 'memory',
    artifacts: createMemoryArtifactStore(opts.artifacts ? memoryLimits(opts.artifacts.memoryMibPerRealm, opts.artifacts.pendingPerRealm) : DEFAULT_MEMORY_ARTIFACT_LIMITS),
    events,
    rateLimiter: (o) => new RateLimiterMemory({ keyPrefix: o.keyPrefix, points: o.points, duration: o.durationSeconds }),
    ping: async () => undefined,
    close: () => events.close(),
  };
}

export async function createRedisStores(url: string, opts: StoresOptions): Promise<Stores> {
  const { logger } = opts;
  // Loaded only here: a single instance on memory stores never needs the client (~0.15 s to load).
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, REDIS_CLIENT_OPTIONS);
  const subscriber = new Redis(url, REDIS_CLIENT_OPTIONS);
  // Rate-limit counters get a connection of their own with auto-pipelining: a token request
  // makes three small counter commands, and socket writes were the largest single cost of a
  // token request on Redis; auto-pipelining sends the commands of one event-loop turn in one
  // write (measured with npm run bench: about a fifth more token throughput). Not for the
  // artifact store: auto-pipelined commands go out after a MULTI sent in the same turn, so its
  // writes could be reordered; counters are independent increments, in any order.
  const counters = new Redis(url, { ...REDIS_CLIENT_OPTIONS, enableAutoPipelining: true });
  const health = createRedisHealth(logger);
  health.watch('artifacts', redis);
  health.watch('subscriber', subscriber);
  health.watch('counters', counters);
  const disconnect = () => {
    health.stop();
    for (const client of [redis, subscriber, counters]) client.disconnect();
  };
  let events: RealmEvents;
  try {
    await Promise.all([redis.connect(), subscriber.connect(), counters.connect()]);
    // The subscriber resubscribes by itself after a reconnect (ioredis autoResubscribe).
    events = await createRedisRealmEvents(redis, subscriber, eventsOptions(opts));
  } catch (err) {
    // Unreachable at startup: stop reconnecting, or the failed process would never exit.
    disconnect();
    throw err;
  }
  const ownError = (err: unknown) => logger.error({ err }, 'redis command failed');
  return {
    kind: 'redis',
    artifacts: guardRedisCalls(createRedisArtifactStore(redis, { pendingPerRealm: opts.artifacts?.pendingPerRealm }), health, ownError),
    events,
    rateLimiter: (o) =>
      guardRedisCalls(new RateLimiterRedis({ storeClient: counters, keyPrefix: `gh:rl:${o.keyPrefix}`, points: o.points, duration: o.durationSeconds }), health, ownError),
    async ping() {
      // Fails at once while disconnected, within commandTimeout when Redis hangs.
      try {
        await Promise.all([redis.ping(), counters.ping()]);
      } catch (err) {
        health.failed(err);
        throw err;
      }
      health.succeeded();
      if (!health.up) throw new Error('the realm-change subscription is not connected');
    },
    async close() {
      health.stop();
      await events.close();
      disconnect();
    },
  };
}
