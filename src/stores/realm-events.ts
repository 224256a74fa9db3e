// Tells every running Gatehouse process that a realm's settings, apps or keys changed, so each
// drops its cached Provider and rebuilds it from the database on the next request. With Redis
// this is pub/sub (all instances); without, PostgreSQL LISTEN/NOTIFY (postgres-realm-events.ts:
// the only instance, and the CLI beside it), over an in-process emitter that tells this process.
//
// Announcing is best effort: it happens after the change is committed, so failing it must not
// fail the request that made the change (the caller would see a 500 for a saved change, and a new
// app's one-time client secret would be lost). A lost announcement is bounded by the provider
// pool's max age (src/realms/provider-pool.ts).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

export interface RealmEvents {
  /** Announces a change to every instance, this one included. Never rejects: failures go to onPublishError. */
  publishChanged(realmName: string): Promise<void>;
  onChanged(listener: (realmName: string) => void): void;
  close(): Promise<void>;
}

export interface RealmEventsOptions {
  /** An announcement could not be made (Redis unreachable, a listener threw); it is dropped. */
  onPublishError(err: unknown, realmName: string): void;
}

const CHANNEL = 'gatehouse:realm-changed';

export function createLocalRealmEvents(opts: RealmEventsOptions): RealmEvents {
  const emitter = new EventEmitter();
  return {
    async publishChanged(name) {
      try {
        emitter.emit('changed', name);
      } catch (err) {
        opts.onPublishError(err, name);
      }
    },
    onChanged(listener) {
      emitter.on('changed', listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

export async function createRedisRealmEvents(publisher: Redis, subscriber: Redis, opts: RealmEventsOptions): Promise<RealmEvents> {
  // This instance is told directly (below); its own message coming back from Redis is skipped,
  // or it would evict again and throw away a provider rebuilt in between.
  const origin = randomUUID();
  const local = createLocalRealmEvents(opts);
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== CHANNEL) return;
    const [from, name] = message.split(' ', 2);
    if (from !== origin && name) void local.publishChanged(name);
  });
  await subscriber.subscribe(CHANNEL);
  return {
    async publishChanged(name) {
      // This instance first, synchronously: whoever made the change (an API call, a test, the
      // CLI) must see it on their next request here, not whenever the subscription delivers it.
      await local.publishChanged(name);
      try {
        // Realm names have no spaces (REALM_NAME_PATTERN).
        await publisher.publish(CHANNEL, `${origin} ${name}`);
      } catch (err) {
        opts.onPublishError(err, name);
      }
    },
    onChanged: local.onChanged,
    async close() {
      await local.close();
      await subscriber.unsubscribe(CHANNEL).catch(() => undefined);
    },
  };
}
