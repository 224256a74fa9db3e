// ArtifactStore on Redis, shared by every Gatehouse process. Every key has a TTL, so Redis
// never keeps an expired session or token.
import type { Redis } from 'ioredis';
import type { AdapterPayload } from 'oidc-provider';
import type { ArtifactStore } from './oidc-adapter.js';

export function createRedisArtifactStore(redis: Redis, prefix = 'gh:'): ArtifactStore {
  const k = (key: string) => prefix + key;
  return {
    async set(key, payload, ttl) {
      // A hash, so consume() can mark it without a read-modify-write race.
      const multi = redis.multi().del(k(key)).hset(k(key), 'payload', JSON.stringify(payload));
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
      // Only mark existing keys: HSET on a missing key would create one without a TTL.
      await redis.eval("if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'consumed', ARGV[1]) end", 1, k(key), String(at));
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
