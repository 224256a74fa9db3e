// Drift check and new-migration SQL: the difference between prisma/schema.prisma and the
// state the migrations folder produces (replayed into a throwaway shadow database).
import { readMigrationsList, resolveMigrationFiles } from './files.js';
import { NO_FILTER, withSchemaEngine, type MigrationOptions } from './schema-engine.js';

/** The engine's exit code when the two sides differ (`prisma migrate diff --exit-code`). */
const DIFF_EXIT_CODE_CHANGED = 2;

/**
 * `sql` is the script that brings a database built from the migrations up to schema.prisma;
 * `drift` is true when it is not empty. `databaseUrl` only needs rights to create and drop a
 * temporary database on its server: nothing in that database itself is read or written.
 * With no migration yet the diff starts from an empty database.
 */
export async function diffSchemaAgainstMigrations(
  databaseUrl: string,
  opts: MigrationOptions = {},
): Promise<{ drift: boolean; sql: string }> {
  const { migrationsDir, schemaPath } = resolveMigrationFiles(opts);
  const migrationsList = await readMigrationsList(migrationsDir);
  const hasMigrations = migrationsList.migrationDirectories.length > 0;
  if (hasMigrations && migrationsList.lockfile.content === null) {
    throw new Error(`${migrationsDir} has migrations but no migration_lock.toml`);
  }
  const result = await withSchemaEngine(databaseUrl, { schemaPath, log: opts.log }, ({ engine, schema }) =>
    engine.diff({
      from: hasMigrations ? { tag: 'migrations', ...migrationsList } : { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    }),
  );
  return { drift: result.exitCode === DIFF_EXIT_CODE_CHANGED, sql: result.stdout ?? '' };
}
