// Starts a real Gatehouse (HTTP server, PostgreSQL, Redis when REDIS_URL is set) on a free port
// with its own fresh database. Tests talk to it over HTTP like any client.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { findFreePort } from '../../src/db/ports.js';
import { createLogger } from '../../src/observability/logger.js';
import { startGatehouse, type Gatehouse } from '../../src/server.js';
import { createTestDatabase } from './database.js';

export interface TestGatehouse extends Gatehouse {
  databaseUrl: string;
  /** Every log line written, for tests that check what logs contain. */
  logLines: string[];
}

/**
 * `shareWith`: a second instance on the same database, master key (and Redis, when set), like a cluster.
 * `shutdownGraceMs`: how long close() waits for requests in flight.
 */
export async function startTestGatehouse(env: Record<string, string> = {}, opts: { shareWith?: TestGatehouse; shutdownGraceMs?: number } = {}): Promise<TestGatehouse> {
  const db = opts.shareWith ? { url: opts.shareWith.databaseUrl, drop: async () => undefined } : await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-test-'));
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const configFor = (port: number) => ({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL,
    DATA_DIR: dataDir,
    MASTER_KEY: (opts.shareWith?.config.masterKey ?? randomBytes(32)).toString('base64'),
    LOG_LEVEL: 'info',
    DEMO: 'false',
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000',
    RATE_LIMIT_TOKEN_PER_IP: '10000',
    // argon2id at the lowest cost config allows (8 MiB, one pass) instead of the production
    // default (19 MiB, two passes): the suite hashes and verifies thousands of passwords, and the
    // cost is not what it tests. The defaults are config.test.ts's and the benches'.
    ARGON2_MEMORY_KIB: '8192',
    ARGON2_TIME_COST: '1',
    ...env,
  });
  // A port found free can be taken by another test process before we listen (CI, 2026-12-03:
  // EADDRINUSE): then another port.
  let gatehouse: Gatehouse | undefined;
  for (let attempt = 1; !gatehouse; attempt++) {
    const config = configFor(await findFreePort());
    try {
      gatehouse = await startGatehouse(config, { logger: createLogger(config.LOG_LEVEL, sink), shutdownGraceMs: opts.shutdownGraceMs });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 3) continue;
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
      throw err;
    }
  }
  const closeServer = gatehouse.close.bind(gatehouse);
  return Object.assign(gatehouse, {
    logLines,
    databaseUrl: db.url,
    async close() {
      await closeServer();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}

/**
 * A Gatehouse for the enclosing file or describe block: started before its tests, closed after.
 * `opts` is read at start time (e.g. to share another instance's database).
 */
export function useGatehouse(env: Record<string, string> = {}, opts: () => Parameters<typeof startTestGatehouse>[1] = () => ({})): () => TestGatehouse {
  let gh: TestGatehouse | undefined;
  beforeAll(async () => {
    gh = await startTestGatehouse(env, opts());
  });
  afterAll(async () => {
    await gh?.close();
  });
  return () => {
    if (!gh) throw new Error('the Gatehouse is not started yet');
    return gh;
  };
}
