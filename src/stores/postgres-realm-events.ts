// Realm changes across processes without Redis: PostgreSQL's LISTEN/NOTIFY. A single instance on
// memory stores is not the only process that changes realms: the CLI (`gatehouse app
// rotate-secret`, `realm delete`, ...) runs beside it on the same database, and with an
// in-process emitter the server kept serving its cached provider (an old secret, a deleted
// realm) until the pool's max age, up to 5 minutes. Every change is announced on a channel of the
// database both share; the server listens on a connection of its own.
//
// Best effort, as with Redis (realm-events.ts): the change is committed before it is announced,
// a failed announcement is logged and dropped, and one missed while the listening connection was
// down is bounded by the provider pool's max age. The listener connects when the first listener
// is registered (the server's provider pool), so a CLI run only ever sends.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { SqlPool } from '../db/prisma.js';
import { createLocalRealmEvents, type RealmEvents, type RealmEventsOptions } from './realm-events.js';

export const REALM_CHANGED_CHANNEL = 'gatehouse_realm_changed';
/** Reconnect backoff of the listening connection: 100 ms, 200 ms, ... at most 5 s. */
const retryDelay = (attempt: number) => Math.min(attempt * 100, 5000);
/**
 * A listening connection only receives: a server that hangs or a network that drops packets
 * would not be noticed before TCP keepalive gives up (hours). It is asked a query this often,
 * within connectTimeoutMs, and replaced when it does not answer.
 */
const HEARTBEAT_MS = 30_000;

export interface PostgresRealmEventsOptions extends RealmEventsOptions {
  /** The database both the announcers and the listener use (Prisma's pool parameters removed). */
  connectionString: string;
  /** Where announcements are sent: the pool under Prisma (its timeouts). */
  sql: SqlPool;
  connectTimeoutMs: number;
  /** How often the listening connection is asked a query (default 30 s). */
  heartbeatMs?: number;
  /** One line when the listening connection is lost (warn), one when it is back (info). */
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

export function createPostgresRealmEvents(opts: PostgresRealmEventsOptions): RealmEvents {
  // Our own announcements come back on the channel: skipped, this process was told directly.
  const origin = randomUUID();
  const local = createLocalRealmEvents(opts);
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let attempt = 0;
  let lostAt: number | undefined;
  let listening = false;
  let closed = false;

  /** Done with a connection: its later errors must not reach an 'error' event with no listener (a crash). */
  const discard = (c: pg.Client | undefined) => {
    if (!c) return Promise.resolve();
    c.removeAllListeners();
    c.on('error', () => undefined);
    return c.end().catch(() => undefined);
  };

  const lost = (err?: unknown) => {
    if (closed || retry) return;
    void discard(client);
    client = undefined;
    if (lostAt === undefined) {
      lostAt = Date.now();
      opts.logger.warn({ err }, 'realm-change listener lost its database connection; changes made by other processes are seen when cached providers reach their max age, until it is back');
    }
    retry = setTimeout(() => {
      retry = undefined;
      void listen();
    }, retryDelay(++attempt));
    retry.unref();
  };

  async function listen() {
    const next = new pg.Client({ connectionString: opts.connectionString, connectionTimeoutMillis: opts.connectTimeoutMs, query_timeout: opts.connectTimeoutMs, keepAlive: true });
    client = next;
    next.on('error', lost);
    next.on('end', () => lost());
    next.on('notification', ({ channel, payload }) => {
      if (channel !== REALM_CHANGED_CHANNEL || !payload) return;
      const [from, name] = payload.split(' ', 2);
      if (from !== origin && name) void local.publishChanged(name);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${REALM_CHANGED_CHANNEL}`);
    } catch (err) {
      if (client === next) lost(err);
      return;
    }
    if (closed) return void discard(next);
    attempt = 0;
    heartbeat ??= setInterval(() => void client?.query('SELECT 1').catch(lost), opts.heartbeatMs ?? HEARTBEAT_MS).unref();
    if (lostAt !== undefined) opts.logger.info({ downMs: Date.now() - lostAt }, 'realm-change listener connected again');
    lostAt = undefined;
  }

  return {
    async publishChanged(name) {
      // This process first, synchronously: whoever made the change sees it on their next request.
      await local.publishChanged(name);
      try {
        // Realm names have no spaces (REALM_NAME_PATTERN).
        await opts.sql.query('SELECT pg_notify($1, $2)', [REALM_CHANGED_CHANNEL, `${origin} ${name}`]);
      } catch (err) {
        opts.onPublishError(err, name);
      }
    },
    onChanged(listener) {
      local.onChanged(listener);
      if (!listening) {
        listening = true;
        void listen();
      }
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      await local.close();
      const open = client;
      client = undefined;
      await discard(open);
    },
  };
}
