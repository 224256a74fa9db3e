// Creating and dropping whole databases on a server, for shadow databases, per-test
// databases and the embedded server's `gatehouse` database.
import pg from 'pg';

const DUPLICATE_DATABASE = '42P04';

/** `url` with its database part replaced by `database`. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** One statement on a short-lived connection (CREATE/DROP DATABASE can't run in a transaction). */
async function runOnce(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `name` on the server `url` points to; with `ifMissing`, an existing one is fine. */
export async function createDatabase(url: string, name: string, opts: { ifMissing?: boolean } = {}): Promise<void> {
  await runOnce(url, `CREATE DATABASE ${quoteIdentifier(name)}`).catch((error: unknown) => {
    if (!(opts.ifMissing && error instanceof pg.DatabaseError && error.code === DUPLICATE_DATABASE)) throw error;
  });
}

/** Drops `name`, disconnecting its sessions first; a missing database is fine. */
export async function dropDatabase(url: string, name: string): Promise<void> {
  await runOnce(url, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
}
