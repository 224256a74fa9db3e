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

/** Statements on a short-lived connection (CREATE/DROP DATABASE can't run in a transaction). */
async function onConnection<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const runOnce = (url: string, sql: string) => onConnection(url, async (client) => void (await client.query(sql)));

/**
 * Creates `name` on the server `url` points to; with `ifMissing`, an existing one is fine. It is
 * looked for first, so the usual case (the embedded server's database, at every start) leaves no
 * "already exists" ERROR in the server's log; a create that races another still counts as done.
 */
export async function createDatabase(url: string, name: string, opts: { ifMissing?: boolean } = {}): Promise<void> {
  await onConnection(url, async (client) => {
    if (opts.ifMissing && (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount) return;
    await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`).catch((error: unknown) => {
      if (!(opts.ifMissing && error instanceof pg.DatabaseError && error.code === DUPLICATE_DATABASE)) throw error;
    });
  });
}

/** Drops `name`, disconnecting its sessions first; a missing database is fine. */
export async function dropDatabase(url: string, name: string): Promise<void> {
  await runOnce(url, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
}
