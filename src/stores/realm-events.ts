// Tells every running Gatehouse process that a realm's settings, apps or keys changed, so each
// drops its cached Provider and rebuilds it from the database on the next request. With Redis
// this is pub/sub (all instances); without, an in-process emitter (the only instance).
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

export interface RealmEvents {
  /** Announces a change to every instance, this one included. */
  publishChanged(realmName: string): Promise<void>;
  onChanged(listener: (realmName: string) => void): void;
  close(): Promise<void>;
}

const CHANNEL = 'gatehouse:realm-changed';

export function createLocalRealmEvents(): RealmEvents {
  const emitter = new EventEmitter();
  return {
    async publishChanged(name) {
      emitter.emit('changed', name);
    },
    onChanged(listener) {
      emitter.on('changed', listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

export async function createRedisRealmEvents(publisher: Redis, subscriber: Redis): Promise<RealmEvents> {
  const emitter = new EventEmitter();
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === CHANNEL) emitter.emit('changed', message);
  });
  await subscriber.subscribe(CHANNEL);
  return {
    async publishChanged(name) {
      await publisher.publish(CHANNEL, name);
    },
    onChanged(listener) {
      emitter.on('changed', listener);
    },
    async close() {
      emitter.removeAllListeners();
      await subscriber.unsubscribe(CHANNEL).catch(() => undefined);
    },
  };
}
