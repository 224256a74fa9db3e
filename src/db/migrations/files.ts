// Where schema.prisma and the migrations folder live, and reading them in the shapes the
// schema engine takes (the same listing rules as the Prisma CLI: one folder per migration,
// each with migration.sql, sorted by name, plus migration_lock.toml).
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../project-root.js';
import type { MigrationList, SchemaContainer } from '@prisma/schema-engine-wasm/schema_engine_bg';

export const LOCK_FILE = 'migration_lock.toml';
export const MIGRATION_FILE = 'migration.sql';

/** Options shared by everything that reads the schema and the migrations folder. */
export interface MigrationFilesOptions {
  /** Defaults to `<project>/prisma/migrations`. */
  migrationsDir?: string;
  /** Defaults to `<project>/prisma/schema.prisma`. */
  schemaPath?: string;
}

export function resolveMigrationFiles(opts: MigrationFilesOptions = {}): { migrationsDir: string; schemaPath: string } {
  const root = PROJECT_ROOT;
  return {
    migrationsDir: resolve(opts.migrationsDir ?? join(root, 'prisma', 'migrations')),
    schemaPath: resolve(opts.schemaPath ?? join(root, 'prisma', 'schema.prisma')),
  };
}

export async function readSchema(schemaPath: string): Promise<SchemaContainer> {
  return { path: schemaPath, content: await readFile(schemaPath, 'utf8') };
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

export async function readMigrationsList(migrationsDir: string): Promise<MigrationList> {
  const lockContent = await readFile(join(migrationsDir, LOCK_FILE), 'utf8').catch((error: unknown) => {
    if (isMissing(error)) return null;
    throw error;
  });
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    if (isMissing(error)) return [];
    throw error;
  });
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  folders.sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    folders.map(async (folder) => ({
      path: folder,
      migrationFile: {
        path: MIGRATION_FILE,
        content: await readFile(join(migrationsDir, folder, MIGRATION_FILE), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: unknown) => ({ tag: 'error' as const, value: error instanceof Error ? error.message : String(error) }),
        ),
      },
    })),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCK_FILE, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}
