// The Prisma client on node-postgres through @prisma/adapter-pg: no native query engine to
// download, the same driver for embedded and external PostgreSQL.
//
// Every wait on the database is bounded (pg.Pool has none by default): a connection (new, or a
// free one from a full pool) within `connectTimeoutMs`, a statement within PostgreSQL's
// `statement_timeout`, a query within `queryTimeoutMs` on the client even when the server is too
// hung to cancel it, a transaction's start within `transactionWaitMs`. When one fires the caller
// gets an error that src/db/unavailable.ts classifies as "database unavailable": 503 with
// Retry-After, never a hang or a 500.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { DatabaseOptions } from '../config/config.js';
import { PrismaClient } from '../generated/prisma/client.js';

/**
 * The pool under Prisma, for the few statements run so often that Prisma's own per-parameter
 * work shows: the audit batch INSERT (src/modules/audit/audit-batch.repo.ts; measured, 150-row
 * batches: ~23 µs of CPU per row through $executeRawUnsafe, ~10 µs through the pool). The same
 * connections, timeouts and error shapes (src/db/unavailable.ts) as every Prisma query.
 */
export type SqlPool = Pick<pg.Pool, 'query'>;

export interface PrismaHandle {
  prisma: PrismaClient;
  sql: SqlPool;
  /** Disconnects the client and ends its pool; safe to call more than once. */
  close(): Promise<void>;
}

export const DEFAULT_POOL_SIZE = 10;

const DEFAULTS: DatabaseOptions = { connectTimeoutMs: 2000, statementTimeoutMs: 5000, queryTimeoutMs: 6000, transactionWaitMs: 2000 };

/**
 * The pool size (DATABASE_POOL_SIZE, else the URL's `connection_limit` as Prisma's own URLs
 * have it, else 10) and the URL without Prisma's pool parameters, which pg would not understand.
 */
export function poolSettings(databaseUrl: string, poolSize?: number): { connectionString: string; max: number } {
  const url = new URL(databaseUrl);
  const limit = Number(url.searchParams.get('connection_limit'));
  url.searchParams.delete('connection_limit');
  url.searchParams.delete('pool_timeout');
  const fromUrl = Number.isInteger(limit) && limit > 0 ? limit : undefined;
  return { connectionString: url.toString(), max: poolSize ?? fromUrl ?? DEFAULT_POOL_SIZE };
}

export function createPrisma(databaseUrl: string, opts: { database?: Partial<DatabaseOptions>; onIdleError?: (err: Error) => void } = {}): PrismaHandle {
  const db = { ...DEFAULTS, ...opts.database };
  // Our own pool rather than a connection string: its size is ours to set, and ending it is
  // what lets the process exit (adapter-pg leaves an external pool open on $disconnect).
  const pool = new pg.Pool({
    ...poolSettings(databaseUrl, db.poolSize),
    connectionTimeoutMillis: db.connectTimeoutMs,
    statement_timeout: db.statementTimeoutMs,
    query_timeout: db.queryTimeoutMs,
  });
  // An idle connection dropped by the server (restart, failover) emits 'error' on the pool;
  // unhandled, that would crash the process. The pool discards it and reconnects on demand.
  pool.on('error', (err) => opts.onIdleError?.(err));
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    // maxWait: Prisma's own wait for a connection to start an interactive transaction.
    transactionOptions: { maxWait: db.transactionWaitMs },
  });
  let closing: Promise<void> | undefined;
  return {
    prisma,
    sql: pool,
    close: () =>
      (closing ??= (async () => {
        await prisma.$disconnect();
        await pool.end();
      })()),
  };
}

/**
 * Loads Prisma's query compiler (wasm: ~300 ms of CPU on a cold process) without a database, so
 * a start can do it while it waits for one (runtime.ts: the embedded PostgreSQL starting). Prisma
 * keeps one compiler per process and database kind, so the real client's first query then finds
 * it loaded. The throwaway client's pool is never asked for a connection: no query runs.
 */
export async function preloadQueryCompiler(): Promise<void> {
  const pool = new pg.Pool({ max: 1 });
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  try {
    await client.$connect();
  } finally {
    await client.$disconnect();
    await pool.end();
  }
}

