// In-process ArtifactStore for the single-instance default: entries expire like Redis keys.
import { LRUCache } from 'lru-cache';
import type { AdapterPayload } from 'oidc-provider';
import type { ArtifactStore } from './oidc-adapter.js';

type Entry = { payload?: AdapterPayload; pointer?: string; group?: Set<string> };

export function createMemoryArtifactStore(max = 200_000): ArtifactStore {
  // Bounded so an abusive client can't grow the heap without limit; the least recently used
  // artifacts go first. ttl is per entry, in milliseconds.
  const cache = new LRUCache<string, Entry>({ max, ttlAutopurge: false });
  const opts = (ttl?: number) => (ttl ? { ttl: ttl * 1000 } : {});
  return {
    async set(key, payload, ttl) {
      cache.set(key, { payload: structuredClone(payload) }, opts(ttl));
    },
    async get(key) {
      const payload = cache.get(key)?.payload;
      return payload ? structuredClone(payload) : undefined;
    },
    async del(key) {
      cache.delete(key);
    },
    async consume(key, at) {
      const entry = cache.get(key);
      if (entry?.payload) entry.payload = { ...entry.payload, consumed: at };
    },
    async setPointer(key, target, ttl) {
      cache.set(key, { pointer: target }, opts(ttl));
    },
    async getPointer(key) {
      return cache.get(key)?.pointer;
    },
    async addToGroup(group, key, ttl) {
      const entry = cache.get(group);
      const remaining = cache.getRemainingTTL(group);
      const members = entry?.group ?? new Set<string>();
      members.add(key);
      const ttlMs = ttl ? Math.max(ttl * 1000, Number.isFinite(remaining) ? remaining : 0) : undefined;
      cache.set(group, { group: members }, ttlMs ? { ttl: ttlMs } : {});
    },
    async deleteGroup(group) {
      for (const key of cache.get(group)?.group ?? []) cache.delete(key);
      cache.delete(group);
    },
  };
}
