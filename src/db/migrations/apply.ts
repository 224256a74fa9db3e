// `prisma migrate deploy` without the native engine: applies the pending migrations of
// prisma/migrations and records them in the same `_prisma_migrations` table (sha256
// checksums), so the Prisma CLI and this code can take turns on one database.
import { readMigrationsList, resolveMigrationFiles } from './files.js';
import { nothingPending } from './pending.js';
import { NO_FILTER, withSchemaEngine, type MigrationOptions } from './schema-engine.js';

/**
 * Idempotent: a second run applies nothing. Safe to run from several processes at once: the
 * engine holds a PostgreSQL advisory lock while it applies, so each migration runs once.
 */
export async function applyMigrations(
  databaseUrl: string,
  opts: MigrationOptions & { /** Start the engine even when nothing looks pending. */ force?: boolean } = {},
): Promise<{ applied: string[] }> {
  const { migrationsDir, schemaPath } = resolveMigrationFiles(opts);
  const migrationsList = await readMigrationsList(migrationsDir);
  // The usual start: everything applied already, so the wasm engine is not started at all.
  if (!opts.force && (await nothingPending(databaseUrl, migrationsList))) return { applied: [] };
  const result = await withSchemaEngine(databaseUrl, { schemaPath, log: opts.log }, ({ engine }) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
  );
  return { applied: result.appliedMigrationNames };
}
