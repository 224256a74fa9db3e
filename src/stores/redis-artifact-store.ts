// ArtifactStore on Redis, shared by every Gatehouse process. Every key has a TTL, so Redis
// never keeps an expired session or token. Pending artifacts (interactions, pushed requests:
// anyone can make them) are also recorded per realm in a sorted set scored by expiry, so the
// realm's live count is known and a flood is refused (admitPending) instead of growing Redis
// without bound: at most pendingPerRealm plus the requests in flight, each of bounded size
// (the PAR body cap, the URL length limit).
import type { Redis } from 'ioredis';
import type { LimitResult } from '../http/rate-limit.js';
import { classOfKey, parseArtifactKey } from './artifact-keys.js';
import type { ArtifactStore } from './oidc-adapter.js';

/**
 * Marks KEYS[1] consumed unless it already is; 1 when this call marked it. A missing key is left
 * alone (HSETNX would create it without a TTL): it expired or was revoked, so it is not usable.
 */
const CONSUME_ONCE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'consumed', ARGV[1])`;

export interface RedisArtifactStoreOptions {
  prefix?: string;
  /** Live pending artifacts (interactions + pushed requests) admitted per realm. */
  pendingPerRealm?: number;
}

/** Longest a pending artifact lives without a TTL of its own (oidc-provider's Interaction default). */
const PENDING_FALLBACK_TTL = 3600;

export function createRedisArtifactStore(redis: Redis, { prefix = 'gh:', pendingPerRealm = 10_000 }: RedisArtifactStoreOptions = {}): ArtifactStore {
  const k = (key: string) => prefix + key;
  const pendingSet = (realmId: string) => k(`oidc:${realmId}:pending`);
  /** The realm's pending set when `key` is a pending artifact (or its pointer). */
  const pendingSetOf = (key: string) => {
    const parsed = parseArtifactKey(key);
    return parsed && classOfKey(key) === 'pending' ? pendingSet(parsed.realmId) : undefined;
  };
  return {
    async set(key, artifact, ttl) {
      // A hash, so consume() can mark it without a read-modify-write race.
      const multi = redis.multi().del(k(key)).hset(k(key), 'sealed', artifact.sealed);
      // Kept where consume()'s compare-and-set looks for it.
      if (artifact.consumed) multi.hset(k(key), 'consumed', String(artifact.consumed));
      if (ttl) multi.expire(k(key), ttl);
      const pending = pendingSetOf(key);
      if (pending) {
        const life = ttl ?? PENDING_FALLBACK_TTL;
        multi.zadd(pending, Date.now() + life * 1000, k(key)).expire(pending, life, 'GT').expire(pending, life, 'NX');
      }
      await multi.exec();
    },
    async get(key) {
      const data = await redis.hgetall(k(key));
      if (!data.sealed) return undefined;
      return data.consumed ? { sealed: data.sealed, consumed: Number(data.consumed) } : { sealed: data.sealed };
    },
    async del(key) {
      const pending = pendingSetOf(key);
      if (pending) await redis.multi().del(k(key)).zrem(pending, k(key)).exec();
      else await redis.del(k(key));
    },
    async consume(key, at) {
      // One script, so the check and the mark are atomic across every instance (RFC 6749 §4.1.2).
      const marked = await redis.eval(CONSUME_ONCE, 1, k(key), String(at));
      return marked === 1;
    },
    async setPointer(key, target, ttl) {
      if (ttl) await redis.set(k(key), target, 'EX', ttl);
      else await redis.set(k(key), target);
    },
    async getPointer(key) {
      return (await redis.get(k(key))) ?? undefined;
    },
    async addToGroup(group, key, ttl) {
      const multi = redis.multi().rpush(k(group), k(key));
      // Keep the group as long as its longest-lived member.
      if (ttl) multi.expire(k(group), ttl, 'GT').expire(k(group), ttl, 'NX');
      await multi.exec();
    },
    async deleteGroup(group) {
      const members = await redis.lrange(k(group), 0, -1);
      await redis.del(k(group), ...members);
    },
    // A set, not a list like grant groups: a session is saved on every request that touches it,
    // and a list would grow by one entry each time.
    async addToIndex(index, key, ttl) {
      const multi = redis.multi().sadd(k(index), key);
      if (ttl) multi.expire(k(index), ttl, 'GT').expire(k(index), ttl, 'NX');
      await multi.exec();
    },
    indexMembers: (index) => redis.smembers(k(index)),
    async deleteIndex(index) {
      const members = await redis.smembers(k(index));
      await redis.del(k(index), ...members.map(k));
    },
    async deleteRealm(realmId) {
      // Every key of the realm starts with `oidc:<realm id>:` (artifact-keys.ts); SCAN walks
      // them in batches without blocking Redis the way KEYS would, UNLINK frees them off-thread.
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${k(`oidc:${realmId}:`)}*`, 'COUNT', 1000);
        if (batch.length) await redis.unlink(...batch);
        cursor = next;
      } while (cursor !== '0');
    },
    async admitPending(realmId): Promise<LimitResult> {
      const now = Date.now();
      const set = pendingSet(realmId);
      const replies = await redis.multi().zremrangebyscore(set, '-inf', String(now)).zcard(set).zrange(set, '0', '0', 'WITHSCORES').exec();
      const live = Number(replies?.[1]?.[1] ?? 0);
      if (live < pendingPerRealm) return { ok: true };
      const soonest = Number((replies?.[2]?.[1] as string[] | undefined)?.[1] ?? now + 60_000);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((soonest - now) / 1000)) };
    },
  };
}
