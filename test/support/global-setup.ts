// Starts one embedded PostgreSQL for the whole test run when DATABASE_URL is unset (a fresh
// machine), and hands its URL to the worker processes through the environment they inherit.
// First it brings dist/ up to date with src/, once, so that the CLI and start-up tests' child
// processes run the compiled code instead of each compiling it or falling back to tsx.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTemporaryEmbeddedPostgres } from '../../src/db/embedded-postgres.js';

function buildDist() {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const script = `import('./bin/launch.js').then((l) => l.distIsFresh() || l.build())`;
  spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: 'inherit' });
}

export const SHARED_SERVER_ENV = 'GATEHOUSE_TEST_SERVER_URL';

export default async function setup() {
  buildDist();
  if (process.env.DATABASE_URL || process.env[SHARED_SERVER_ENV]) return undefined;
  const server = await startTemporaryEmbeddedPostgres();
  process.env[SHARED_SERVER_ENV] = server.url;
  return async () => {
    delete process.env[SHARED_SERVER_ENV];
    await server.stop();
  };
}
