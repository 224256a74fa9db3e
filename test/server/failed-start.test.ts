// A start that fails (here: the port is taken) leaves nothing open behind it: the runtime is
// closed, and so is the audit writer, whose empty spool file goes with it. A leaked writer would
// keep its file (and the file handle) until the process ends.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { startGatehouse } from '../../src/server.js';
import { createTestDatabase } from '../support/database.js';

it('a start refused on a taken port rejects with EADDRINUSE and leaves no spool file of its own behind', async () => {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-failed-start-'));
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  const port = (squatter.address() as { port: number }).port;
  try {
    const env = {
      NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, DATABASE_URL: db.url,
      REDIS_URL: '', DATA_DIR: dataDir, MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn', DEMO: 'false',
    };
    await expect(startGatehouse(env, { logger: createLogger('silent') })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect((await readdir(join(dataDir, 'audit-spool'))).filter((f) => f.startsWith(`audit-${process.pid}-`))).toEqual([]);
  } finally {
    squatter.close();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
