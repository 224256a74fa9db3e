// The cheap check before starting the schema engine (its wasm takes ~0.3 s or more to compile):
// compares the migrations folder with the rows of _prisma_migrations over one plain connection.
// "Nothing pending" only when every migration folder has a finished, not rolled back row with
// the same sha256 checksum (what `prisma migrate deploy` records) and no row failed or is
// unknown; anything else (no table yet, an edited or failed migration, a newer database) is left
// to the engine, which applies or reports it exactly as before.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { MigrationList } from '@prisma/schema-engine-wasm/schema_engine_bg';

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export async function nothingPending(databaseUrl: string, list: MigrationList): Promise<boolean> {
  const expected = new Map<string, string>();
  for (const dir of list.migrationDirectories) {
    if (dir.migrationFile.content.tag !== 'ok') return false;
    expected.set(dir.path, sha256(dir.migrationFile.content.value));
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const table = await client.query<{ exists: boolean }>("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists");
    if (!table.rows[0]?.exists) return false;
    const { rows } = await client.query<MigrationRow>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations');
    const applied = rows.filter((r) => r.finished_at && !r.rolled_back_at);
    if (rows.some((r) => !r.finished_at && !r.rolled_back_at)) return false; // a failed or running migration
    if (applied.some((r) => expected.get(r.migration_name) !== r.checksum)) return false;
    const names = new Set(applied.map((r) => r.migration_name));
    return [...expected.keys()].every((name) => names.has(name));
  } finally {
    await client.end();
  }
}
