// Writes the next migration from the difference between prisma/schema.prisma and
// prisma/migrations, with no native Prisma engine:
//   npm run db:diff -- <name>     (node --import tsx scripts/db-diff.ts <name>)
// The diff replays the migrations into a throwaway database: on the server DATABASE_URL
// names when set (its own data is not touched), else on a temporary embedded PostgreSQL.
import { relative } from 'node:path';
import { startTemporaryEmbeddedPostgres, type EmbeddedPostgresServer } from '../src/db/embedded-postgres.js';
import { createMigration } from '../src/db/migrations/create.js';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run db:diff -- <migration_name>');
  process.exit(2);
}

let embedded: EmbeddedPostgresServer | undefined;
try {
  const databaseUrl = process.env.DATABASE_URL ?? (embedded = await startTemporaryEmbeddedPostgres()).url;
  const folder = await createMigration(databaseUrl, name);
  console.log(folder ? `created ${relative(process.cwd(), folder)}` : 'schema.prisma matches the migrations: nothing to write');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await embedded?.stop();
}
