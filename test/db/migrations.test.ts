// The offline migration path (wasm schema engine + adapter-pg): drift between schema.prisma
// and prisma/migrations, idempotent and concurrent applies, atomic migration scripts.
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/migrations/apply.js';
import { diffSchemaAgainstMigrations } from '../../src/db/migrations/diff.js';
import { readMigrationsList, resolveMigrationFiles } from '../../src/db/migrations/files.js';
import { nothingPending } from '../../src/db/migrations/pending.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const { migrationsDir, schemaPath } = resolveMigrationFiles();
// The first database of a process may start an embedded server (initdb ≈ 1 s, more on a busy CI).
const slow = { timeout: 30_000 };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  return db;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-migrations-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

const appliedRows = (url: string): Promise<MigrationRow[]> =>
  query<MigrationRow>(url, 'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name');

describe('schema.prisma and prisma/migrations', slow, () => {
  it('do not drift apart (else run `npm run db:diff -- <name>`)', async () => {
    const db = await freshDatabase();
    const { drift, sql } = await diffSchemaAgainstMigrations(db.url);
    expect(drift, `schema.prisma changed without a migration:\n${sql}`).toBe(false);
  });

  it('drift is reported, with the SQL that closes it, when the schema changes', async () => {
    const db = await freshDatabase();
    const changedSchema = join(await tempDir(), 'schema.prisma');
    const schema = await readFile(schemaPath, 'utf8');
    await writeFile(changedSchema, `${schema}\nmodel DriftProbe {\n  id Int @id\n}\n`);

    const { drift, sql } = await diffSchemaAgainstMigrations(db.url, { schemaPath: changedSchema, migrationsDir });

    expect(drift).toBe(true);
    expect(sql).toContain('CREATE TABLE "DriftProbe"');
  });
});

describe('applyMigrations', slow, () => {
  it('applies every migration once, like prisma migrate deploy, and nothing the second time', async () => {
    const db = await freshDatabase();
    const names = await migrationNames(migrationsDir);

    expect((await applyMigrations(db.url)).applied).toEqual(names);
    expect((await applyMigrations(db.url)).applied).toEqual([]);

    const rows = await appliedRows(db.url);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    for (const row of rows) {
      const script = await readFile(join(migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(script).digest('hex'));
      expect(row.finished_at).not.toBeNull();
    }
  });

  it('two concurrent runs on a fresh database both succeed and apply each migration once', async () => {
    const db = await freshDatabase();
    const names = await migrationNames(migrationsDir);

    const [first, second] = await Promise.all([applyMigrations(db.url), applyMigrations(db.url)]);

    expect([...first.applied, ...second.applied].sort()).toEqual(names);
    expect((await appliedRows(db.url)).map((row) => row.migration_name)).toEqual(names);
  });

  it('skips the engine only when nothing is pending: a migration added later is applied, a failed one reported again', async () => {
    const db = await freshDatabase();
    const dir = await tempDir();
    await cp(migrationsDir, dir, { recursive: true });
    await applyMigrations(db.url, { migrationsDir: dir });
    expect(await nothingPending(db.url, await readMigrationsList(dir))).toBe(true);

    await mkdir(join(dir, '29990101000000_later'));
    await writeFile(join(dir, '29990101000000_later', 'migration.sql'), 'CREATE TABLE "Later" (id int);\n');
    expect(await nothingPending(db.url, await readMigrationsList(dir))).toBe(false);
    expect((await applyMigrations(db.url, { migrationsDir: dir })).applied).toEqual(['29990101000000_later']);

    await mkdir(join(dir, '29990102000000_failing'));
    await writeFile(join(dir, '29990102000000_failing', 'migration.sql'), 'SELECT 1 / 0;\n');
    await expect(applyMigrations(db.url, { migrationsDir: dir })).rejects.toThrow(/division by zero/);
    // The failed row makes every later start go to the engine, which refuses again (P3009).
    await rm(join(dir, '29990102000000_failing'), { recursive: true });
    expect(await nothingPending(db.url, await readMigrationsList(dir))).toBe(false);
    await expect(applyMigrations(db.url, { migrationsDir: dir })).rejects.toThrow();
  });

  it('runs a script whole: $$ bodies survive and a failing migration leaves nothing behind', async () => {
    const db = await freshDatabase();
    const dir = await tempDir();
    await cp(migrationsDir, dir, { recursive: true });
    const addMigration = async (name: string, sql: string): Promise<void> => {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'migration.sql'), sql);
    };
    await addMigration(
      '29990101000000_dollar_quoted',
      `CREATE FUNCTION probe_fn() RETURNS text LANGUAGE sql AS $$ SELECT 'a;b' $$;\n` +
        `DO $$ BEGIN PERFORM probe_fn(); END $$;\n`,
    );
    await addMigration('29990102000000_failing', `CREATE TABLE "Probe" (id int);\nSELECT 1 / 0;\n`);

    await expect(applyMigrations(db.url, { migrationsDir: dir })).rejects.toThrow(/division by zero/);

    const [state] = await query<{ fn: string | null; probe: string | null }>(
      db.url,
      `SELECT to_regproc('probe_fn')::text AS fn, to_regclass('"Probe"')::text AS probe`,
    );
    expect(state).toEqual({ fn: 'probe_fn', probe: null });
    const failed = (await appliedRows(db.url)).find((row) => row.migration_name === '29990102000000_failing');
    expect(failed?.finished_at).toBeNull();
  });
});
