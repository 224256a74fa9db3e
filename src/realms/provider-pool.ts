// One Provider per realm (panva/node-oidc-provider#95), built lazily from the database and kept
// in a bounded LRU. A realm change announced on RealmEvents (by any instance) evicts the entry
// everywhere; a key activation or expiry evicts it when due. Concurrent first requests share one
// build, but never one that started before the latest change: that build may lack what changed
// (a just-created app would be an unknown client).
//
// Scale (10,000 realms and more): a provider that has served keeps ~90 KiB of heap, so the pool
// holds as many as `maxBytes` allows (PROVIDER_CACHE_MB; the default quarter of a 4 GiB heap holds
// ~10,000), and what one is built from (the realm row, its apps, APIs and unsealed
// keys: a few KiB) is cached apart, bounded by `inputsMaxBytes`. A provider evicted for room is
// then rebuilt from memory without a database round trip; a change evicts both.
//
// A name with no realm is remembered as missing for a few seconds (`missingTtlMs`, at most
// 10,000 names), so a client hammering a deleted or mistyped realm costs one database read per
// name and interval, not one per request. Creating a realm announces it like any change, which
// forgets the name everywhere; an announcement lost between instances delays a new realm there
// by that interval at most.
import { LRUCache } from 'lru-cache';
import type { PrismaClient } from '../db/types.js';
import type { RealmEvents } from '../stores/realm-events.js';
import type { RealmRecord } from './realm-scope.js';
import type { RealmProvider } from '../oidc/provider-factory.js';

export interface ProviderPool {
  /** The realm's provider, or undefined when no such realm exists. */
  get(realmName: string): Promise<RealmProvider | undefined>;
  /** The cached provider, if there is one: never builds (so never reads the database). */
  peek(realmName: string): RealmProvider | undefined;
  evict(realmName: string): void;
  size(): number;
}

interface Inputs<I> {
  realm: RealmRecord;
  data: I | undefined;
}

export function createProviderPool<I = undefined>(opts: {
  prisma: PrismaClient;
  events: RealmEvents;
  /** Optional cap by count. */
  max?: number;
  /** Bound on the providers by their estimated heap (providerBytes). */
  maxBytes?: number;
  /** Upper bound on an entry's age: a safety net should a change announcement be lost. */
  maxAgeMs: number;
  /** Reads what a provider is built from (cached); without it only the realm row is cached. */
  load?: (realm: RealmRecord) => Promise<I>;
  build: (realm: RealmRecord, inputs: I | undefined) => Promise<RealmProvider>;
  /** Bound on the cached inputs, by their approximate size (default 64 MiB). */
  inputsMaxBytes?: number;
  /** How long a name with no realm is answered without a database read (default 5 s; 0: never). */
  missingTtlMs?: number;
}): ProviderPool {
  const cache = new LRUCache<string, RealmProvider>({
    ...(opts.max ? { max: opts.max } : {}),
    maxSize: opts.maxBytes ?? 256 * 2 ** 20,
    sizeCalculation: providerBytes,
  });
  const inputs = new LRUCache<string, Inputs<I>>({ maxSize: opts.inputsMaxBytes ?? 64 * 2 ** 20, sizeCalculation: approximateSize });
  const building = new Map<string, Promise<RealmProvider | undefined>>();
  const missingTtlMs = opts.missingTtlMs ?? MISSING_TTL_MS;
  const missing = new LRUCache<string, true>({ max: MISSING_NAMES, ttl: Math.max(1, missingTtlMs) });
  // Bumped on eviction so a build that started before a change is not cached after it.
  const generation = new Map<string, number>();

  const evict = (name: string) => {
    generation.set(name, (generation.get(name) ?? 0) + 1);
    cache.delete(name);
    inputs.delete(name);
    missing.delete(name);
    // Requests from now on start a fresh build; those already waiting keep the one they joined.
    building.delete(name);
  };
  opts.events.onChanged(evict);

  async function build(name: string): Promise<RealmProvider | undefined> {
    const startedAt = generation.get(name) ?? 0;
    let entry = inputs.get(name);
    if (!entry) {
      const realm = await opts.prisma.realm.findUnique({ where: { name } });
      if (!realm) {
        if (missingTtlMs > 0 && (generation.get(name) ?? 0) === startedAt) missing.set(name, true);
        return undefined;
      }
      entry = { realm, data: opts.load ? await opts.load(realm) : undefined };
    }
    const built = await opts.build(entry.realm, entry.data);
    if ((generation.get(name) ?? 0) === startedAt) {
      const untilKeyChange = built.nextChangeAt ? Math.max(1, built.nextChangeAt.getTime() - Date.now()) : Infinity;
      const ttl = Math.min(untilKeyChange, opts.maxAgeMs);
      cache.set(name, built, { ttl });
      if (!inputs.has(name)) inputs.set(name, entry, { ttl });
    }
    return built;
  }

  return {
    peek: (name) => cache.get(name),
    async get(name) {
      const hit = cache.get(name);
      if (hit) return hit;
      if (missing.has(name)) return undefined;
      const pending = building.get(name);
      if (pending) return pending;
      const started: Promise<RealmProvider | undefined> = build(name).finally(() => {
        // Only our own entry: after an evict, the entry is a newer build's.
        if (building.get(name) === started) building.delete(name);
      });
      building.set(name, started);
      return started;
    },
    evict,
    size: () => cache.size,
  };
}

/**
 * Heap a provider keeps once it has served, measured: ~88 KiB for a realm with one app (heap used,
 * after a collection, with a token from each of 2,000 realms and every provider kept, less the
 * same with 23 kept; bench/realms-scale.ts --expose-gc). Each further client adds its metadata.
 * Too low a figure here is no bound at all; an earlier 340 KiB counted the memory store's
 * preallocated per-realm lists (src/stores/memory-artifact-store.ts), not the provider.
 */
const MISSING_TTL_MS = 5000;
const MISSING_NAMES = 10_000;

export const PROVIDER_BASE_BYTES = 96 * 1024;
const PER_CLIENT_BYTES = 2 * 1024;
function providerBytes(entry: RealmProvider): number {
  return PROVIDER_BASE_BYTES + PER_CLIENT_BYTES * (entry.clientCount ?? 0);
}

/** UTF-16 size of the JSON form, doubled for object overhead: a bound, not an exact figure. */
function approximateSize(entry: unknown): number {
  return Math.max(1, 4 * JSON.stringify(entry).length);
}
