// ArtifactStore on Redis, shared by every Gatehouse process. Every key has a TTL, so Redis
// never keeps an expired session or token.
import type { Redis } from 'ioredis';
import type { AdapterPayload } from 'oidc-provider';
import type { ArtifactStore } from './oidc-adapter.js';

/**
 * Marks KEYS[1] consumed unless it already is; 1 when this call marked it. A missing key is left
 * alone (HSETNX would create it without a TTL): it expired or was revoked, so it is not usable.
 */
const CONSUME_ONCE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'consumed', ARGV[1])`;

export function createRedisArtifactStore(redis: Redis, prefix = 'gh:'): ArtifactStore {
  const k = (key: string) => prefix + key;
  return {
    async set(key, payload, ttl) {
      // A hash, so consume() can mark it without a read-modify-write race.
      const multi = redis.multi().del(k(key)).hset(k(key), 'payload', JSON.stringify(payload));
      // Kept where consume()'s compare-and-set looks for it.
      if (payload.consumed) multi.hset(k(key), 'consumed', String(payload.consumed));
      if (ttl) multi.expire(k(key), ttl);
      await multi.exec();
    },
    async get(key) {
      const data = await redis.hgetall(k(key));
      if (!data.payload) return undefined;
      const payload = JSON.parse(data.payload) as AdapterPayload;
      return data.consumed ? { ...payload, consumed: Number(data.consumed) } : payload;
    },
    async del(key) {
      await redis.del(k(key));
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
  };
}
