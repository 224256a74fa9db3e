// Starts one embedded PostgreSQL for the whole test run when DATABASE_URL is unset (a fresh
// machine), and hands its URL to the worker processes through the environment they inherit.
import { startTemporaryEmbeddedPostgres } from '../../src/db/embedded-postgres.js';

export const SHARED_SERVER_ENV = 'GATEHOUSE_TEST_SERVER_URL';

export default async function setup() {
  if (process.env.DATABASE_URL || process.env[SHARED_SERVER_ENV]) return undefined;
  const server = await startTemporaryEmbeddedPostgres();
  process.env[SHARED_SERVER_ENV] = server.url;
  return async () => {
    delete process.env[SHARED_SERVER_ENV];
    await server.stop();
  };
}
