// The Prisma client on node-postgres through @prisma/adapter-pg: no native query engine to
// download, the same driver for embedded and external PostgreSQL.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export function createPrisma(databaseUrl: string, opts: { max?: number } = {}) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.max ?? 10 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
