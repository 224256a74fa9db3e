// In-process ArtifactStore for the single-instance default: entries expire like Redis keys.
import { LRUCache } from 'lru-cache';
import type { AdapterPayload } from 'oidc-provider';
import { modelOfKey, UNAUTHENTICATED, type ArtifactStore } from './oidc-adapter.js';

type Entry = { payload?: AdapterPayload; pointer?: string; group?: Set<string> };

export interface MemoryArtifactLimits {
  /** Sessions, grants, codes, tokens and their indexes: made only by signed-in users and authenticated clients. */
  authenticated: number;
  /** Interactions, pushed requests, replay records: anyone can make them (UNAUTHENTICATED). */
  unauthenticated: number;
}

export const DEFAULT_MEMORY_ARTIFACT_LIMITS: MemoryArtifactLimits = { authenticated: 200_000, unauthenticated: 20_000 };

export function createMemoryArtifactStore(limits: MemoryArtifactLimits = DEFAULT_MEMORY_ARTIFACT_LIMITS): ArtifactStore {
  // Two bounded LRUs, so memory stays bounded and the least recently used go first, but an
  // unauthenticated flood (each GET /authorize stores a 1-hour Interaction) only evicts other
  // unauthenticated artifacts: never a session, a refresh token or a grant group, whose loss
  // would sign users out or let revocation miss tokens. ttl is per entry, in milliseconds.
  const authenticated = new LRUCache<string, Entry>({ max: limits.authenticated, ttlAutopurge: false });
  const unauthenticated = new LRUCache<string, Entry>({ max: limits.unauthenticated, ttlAutopurge: false });
  const cacheFor = (key: string) => (UNAUTHENTICATED.has(modelOfKey(key) ?? '') ? unauthenticated : authenticated);
  const opts = (ttl?: number) => (ttl ? { ttl: ttl * 1000 } : {});
  return {
    async set(key, payload, ttl) {
      cacheFor(key).set(key, { payload: structuredClone(payload) }, opts(ttl));
    },
    async get(key) {
      const payload = cacheFor(key).get(key)?.payload;
      return payload ? structuredClone(payload) : undefined;
    },
    async del(key) {
      cacheFor(key).delete(key);
    },
    async consume(key, at) {
      // Check and mark with no await in between: atomic in one process (RFC 6749 §4.1.2).
      const entry = cacheFor(key).get(key);
      if (!entry?.payload || entry.payload.consumed) return false;
      entry.payload = { ...entry.payload, consumed: at };
      return true;
    },
    async setPointer(key, target, ttl) {
      cacheFor(key).set(key, { pointer: target }, opts(ttl));
    },
    async getPointer(key) {
      return cacheFor(key).get(key)?.pointer;
    },
    async addToGroup(group, key, ttl) {
      const cache = cacheFor(group);
      const entry = cache.get(group);
      const remaining = cache.getRemainingTTL(group);
      const members = entry?.group ?? new Set<string>();
      members.add(key);
      const ttlMs = ttl ? Math.max(ttl * 1000, Number.isFinite(remaining) ? remaining : 0) : undefined;
      cache.set(group, { group: members }, ttlMs ? { ttl: ttlMs } : {});
    },
    async deleteGroup(group) {
      for (const key of cacheFor(group).get(group)?.group ?? []) cacheFor(key).delete(key);
      cacheFor(group).delete(group);
    },
  };
}
