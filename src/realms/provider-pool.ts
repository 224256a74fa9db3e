// One Provider per realm (panva/node-oidc-provider#95), built lazily from the database and kept
// in a bounded LRU. A realm change announced on RealmEvents (by any instance) evicts the entry
// everywhere; a key activation or expiry evicts it when due. Concurrent first requests share one
// build, but never one that started before the latest change: that build may lack what changed
// (a just-created app would be an unknown client).
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

export function createProviderPool(opts: {
  prisma: PrismaClient;
  events: RealmEvents;
  max: number;
  /** Upper bound on an entry's age: a safety net should a change announcement be lost. */
  maxAgeMs: number;
  build: (realm: RealmRecord) => Promise<RealmProvider>;
}): ProviderPool {
  const cache = new LRUCache<string, RealmProvider>({ max: opts.max });
  const building = new Map<string, Promise<RealmProvider | undefined>>();
  // Bumped on eviction so a build that started before a change is not cached after it.
  const generation = new Map<string, number>();

  const evict = (name: string) => {
    generation.set(name, (generation.get(name) ?? 0) + 1);
    cache.delete(name);
    // Requests from now on start a fresh build; those already waiting keep the one they joined.
    building.delete(name);
  };
  opts.events.onChanged(evict);

  async function build(name: string): Promise<RealmProvider | undefined> {
    const startedAt = generation.get(name) ?? 0;
    const realm = await opts.prisma.realm.findUnique({ where: { name } });
    if (!realm) return undefined;
    const built = await opts.build(realm);
    if ((generation.get(name) ?? 0) === startedAt) {
      const untilKeyChange = built.nextChangeAt ? Math.max(1, built.nextChangeAt.getTime() - Date.now()) : Infinity;
      cache.set(name, built, { ttl: Math.min(untilKeyChange, opts.maxAgeMs) });
    }
    return built;
  }

  return {
    peek: (name) => cache.get(name),
    async get(name) {
      const hit = cache.get(name);
      if (hit) return hit;
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
