// A fresh, uniquely named database per call, on the server DATABASE_URL points to or, when
// it is unset (a fresh machine), on an embedded PostgreSQL started once per test process in a
// temporary directory (stopped and removed when the process exits).
import { randomBytes } from 'node:crypto';
import { createDatabase, databaseUrl, dropDatabase } from '../../src/db/admin.js';
import { startTemporaryEmbeddedPostgres } from '../../src/db/embedded-postgres.js';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let embeddedServerUrl: Promise<string> | undefined;

function serverUrl(): Promise<string> {
  // DATABASE_URL, else the embedded server the vitest global setup started for this run.
  const configured = process.env.DATABASE_URL ?? process.env.GATEHOUSE_TEST_SERVER_URL;
  if (configured) return Promise.resolve(configured);
  embeddedServerUrl ??= startTemporaryEmbeddedPostgres().then(
    (server) => server.url,
    (error: unknown) => {
      embeddedServerUrl = undefined;
      throw error;
    },
  );
  return embeddedServerUrl;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await serverUrl();
  // Unique across concurrent test processes sharing one server.
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await createDatabase(server, name);
  return {
    url: databaseUrl(server, name),
    drop: () => dropDatabase(server, name),
  };
}
