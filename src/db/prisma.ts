// The Prisma client on node-postgres through @prisma/adapter-pg: no native query engine to
// download, the same driver for embedded and external PostgreSQL.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export interface PrismaHandle {
  prisma: PrismaClient;
  /** Disconnects the client and ends its pool; safe to call more than once. */
  close(): Promise<void>;
}

export function createPrisma(databaseUrl: string, opts: { max?: number; onIdleError?: (err: Error) => void } = {}): PrismaHandle {
  // Our own pool rather than a connection string: its size is ours to set, and ending it is
  // what lets the process exit (adapter-pg leaves an external pool open on $disconnect).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.max ?? 10 });
  // An idle connection dropped by the server (restart, failover) emits 'error' on the pool;
  // unhandled, that would crash the process. The pool discards it and reconnects on demand.
  pool.on('error', (err) => opts.onIdleError?.(err));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closing: Promise<void> | undefined;
  return {
    prisma,
    close: () =>
      (closing ??= (async () => {
        await prisma.$disconnect();
        await pool.end();
      })()),
  };
}
