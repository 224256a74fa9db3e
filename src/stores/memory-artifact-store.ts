// In-process ArtifactStore for the single-instance default: entries expire like Redis keys.
// Memory is budgeted by realm and by class of artifact (artifact-keys.ts), in bytes: each realm
// has its own LRUs, one per class, so a flood in realm A never evicts anything of realm B, and
// access tokens, pushed requests, interactions and replay records never evict a session, grant,
// refresh token, code or grant group (the issue #6 attack: 210k client_credentials tokens signed
// users out). Within its own class and realm an LRU still evicts the least recently used, so
// memory stays bounded by realms × MEMORY_STORE_MIB_PER_REALM.
// Pending artifacts (interactions, pushed requests) are the ones anyone can make. When a realm's
// pending budget is full, new ones are refused at the door (admitPending: 429 + Retry-After)
// rather than made by evicting the login page someone has open: a flood then costs new sign-ins
// of that realm a wait, never a sign-in under way. Eviction remains the backstop for requests
// that raced past the check.
import { LRUCache } from 'lru-cache';
import type { LimitResult } from '../http/rate-limit.js';
import { classOfKey, parseArtifactKey, type ArtifactClass } from './artifact-keys.js';
import type { ArtifactStore, StoredArtifact } from './oidc-adapter.js';

type Entry = { artifact?: StoredArtifact; pointer?: string; group?: Set<string> };

export interface MemoryArtifactLimits {
  /** Bytes per realm for each class of artifact. */
  bytesPerRealm: Record<ArtifactClass, number>;
  /** Live pending artifacts (interactions + pushed requests) per realm, whatever their size. */
  pendingPerRealm: number;
}

/** How a realm's budget is split: sign-ins first; pending requests bounded by count as well. */
export function memoryLimits(mibPerRealm: number, pendingPerRealm: number): MemoryArtifactLimits {
  const bytes = mibPerRealm * 1024 * 1024;
  const share = (f: number) => Math.floor(bytes * f);
  return { bytesPerRealm: { signIn: share(0.5), accessTokens: share(0.35), pending: share(0.12), replay: share(0.03) }, pendingPerRealm };
}

export const DEFAULT_MEMORY_ARTIFACT_LIMITS = memoryLimits(128, 10_000);

/** The largest pending artifact admitted (a pushed request at the PAR body cap, sealed): room is kept for one. */
const PENDING_RESERVE_BYTES = 64 * 1024;
/** Per-entry bookkeeping of the Map and LRU, on top of key and value. */
const ENTRY_OVERHEAD = 200;

function sizeOf(entry: Entry, key: string): number {
  let size = ENTRY_OVERHEAD + key.length + (entry.artifact?.sealed.length ?? 0) + (entry.pointer?.length ?? 0);
  for (const member of entry.group ?? []) size += member.length + 16;
  return size;
}

export interface MemoryArtifactStore extends ArtifactStore {
  /** Every live key and value held, for tests proving what a dump of the store would show. */
  snapshot(): Array<[string, Entry]>;
}

export function createMemoryArtifactStore(limits: MemoryArtifactLimits = DEFAULT_MEMORY_ARTIFACT_LIMITS): MemoryArtifactStore {
  const realms = new Map<string, Record<ArtifactClass, LRUCache<string, Entry>>>();
  // No `max` (lru-cache's count bound): with one, each cache allocates its lists for `max`
  // entries up front, ~390 KiB for the pending default of 10,000, in every realm that ever had a
  // request, whatever it holds (10,000 realms: ~4 GiB). The pending count is bounded in `set`.
  const newCache = (cls: ArtifactClass) => new LRUCache<string, Entry>({ maxSize: limits.bytesPerRealm[cls], sizeCalculation: sizeOf, ttlAutopurge: false });
  const cachesOf = (realmId: string) => {
    let caches = realms.get(realmId);
    if (!caches) {
      caches = { signIn: newCache('signIn'), accessTokens: newCache('accessTokens'), pending: newCache('pending'), replay: newCache('replay') };
      realms.set(realmId, caches);
    }
    return caches;
  };
  // Keys of another layout (tests, tools) share one realm-less set of budgets.
  const cacheFor = (key: string) => cachesOf(parseArtifactKey(key)?.realmId ?? '')[classOfKey(key)];
  const opts = (ttl?: number) => (ttl ? { ttl: ttl * 1000 } : {});
  const retryAfter = new Map<string, { at: number; seconds: number }>();
  const reserve = Math.min(PENDING_RESERVE_BYTES, limits.bytesPerRealm.pending / 8);

  /** Seconds until the first pending artifact of the realm expires; computed at most once a second. */
  function secondsUntilRoom(realmId: string, pending: LRUCache<string, Entry>): number {
    const now = Date.now();
    const known = retryAfter.get(realmId);
    if (known && now - known.at < 1000) return known.seconds;
    let soonest = Infinity;
    for (const key of pending.keys()) soonest = Math.min(soonest, pending.getRemainingTTL(key));
    const seconds = Math.max(1, Math.ceil((Number.isFinite(soonest) ? soonest : 60_000) / 1000));
    retryAfter.set(realmId, { at: now, seconds });
    return seconds;
  }

  async function addToGroup(group: string, key: string, ttl?: number) {
    const cache = cacheFor(group);
    const remaining = cache.getRemainingTTL(group);
    const members = cache.get(group)?.group ?? new Set<string>();
    members.add(key);
    // Kept as long as its longest-lived member; set again so its size is counted anew.
    const ttlMs = ttl ? Math.max(ttl * 1000, Number.isFinite(remaining) ? remaining : 0) : undefined;
    cache.set(group, { group: members }, ttlMs ? { ttl: ttlMs } : {});
  }

  async function deleteGroup(group: string) {
    for (const key of cacheFor(group).get(group)?.group ?? []) cacheFor(key).delete(key);
    cacheFor(group).delete(group);
  }

  return {
    async set(key, artifact, ttl) {
      const cache = cacheFor(key);
      // The pending count's backstop for requests that raced past admitPending: the least recently used goes.
      if (classOfKey(key) === 'pending' && !cache.has(key)) while (cache.size >= limits.pendingPerRealm) cache.pop();
      cache.set(key, { artifact: { ...artifact } }, opts(ttl));
    },
    async get(key) {
      const artifact = cacheFor(key).get(key)?.artifact;
      return artifact ? { ...artifact } : undefined;
    },
    async del(key) {
      cacheFor(key).delete(key);
    },
    async consume(key, at) {
      // Check and mark with no await in between: atomic in one process (RFC 6749 §4.1.2).
      const artifact = cacheFor(key).get(key)?.artifact;
      if (!artifact || artifact.consumed) return false;
      artifact.consumed = at;
      return true;
    },
    async setPointer(key, target, ttl) {
      cacheFor(key).set(key, { pointer: target }, opts(ttl));
    },
    async getPointer(key) {
      return cacheFor(key).get(key)?.pointer;
    },
    addToGroup,
    deleteGroup,
    // A group is already a set here.
    addToIndex(index, key, ttl) {
      return addToGroup(index, key, ttl);
    },
    async indexMembers(index) {
      return [...(cacheFor(index).get(index)?.group ?? [])];
    },
    deleteIndex(index) {
      return deleteGroup(index);
    },
    async admitPending(realmId): Promise<LimitResult> {
      const pending = cachesOf(realmId).pending;
      const full = () => pending.size >= limits.pendingPerRealm || pending.calculatedSize + reserve > limits.bytesPerRealm.pending;
      if (!full()) return { ok: true };
      pending.purgeStale();
      if (!full()) return { ok: true };
      return { ok: false, retryAfterSeconds: secondsUntilRoom(realmId, pending) };
    },
    async deleteRealm(realmId) {
      realms.delete(realmId);
      retryAfter.delete(realmId);
    },
    snapshot() {
      return [...realms.values()].flatMap((caches) => Object.values(caches).flatMap((cache) => [...cache.entries()]));
    },
  };
}
