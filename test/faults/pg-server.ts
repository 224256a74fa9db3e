// A PostgreSQL of the test's own (embedded, in a temporary folder, on a free port) that the test
// can hang (SIGSTOP every process of it, as a stalled primary or a frozen VM would), resume,
// stop and start again. Never the machine's shared server.
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../src/db/embedded-postgres.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';

export interface FaultyPostgres {
  url: string;
  /** SIGSTOP the postmaster and all its backends: connections stay open, nothing answers. */
  hang(): Promise<void>;
  resume(): Promise<void>;
  /** A clean stop: connections are refused until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function processTree(dataDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (ppid) comes after the parenthesised command name, which may contain spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === postmaster) children.push(Number(entry));
  }
  return [postmaster, ...children];
}

export async function startFaultyPostgres(): Promise<FaultyPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-faulty-pg-'));
  await chmod(dir, 0o755); // as root the server runs as `postgres`, which must get in
  const dataDir = join(dir, 'data');
  let server: EmbeddedPostgresServer | undefined = await startEmbeddedPostgres({ dataDir });
  let stopped: number[] = [];
  const signal = async (sig: NodeJS.Signals) => {
    for (const pid of await processTree(dataDir)) signalIfAlive(pid, sig);
  };
  return {
    url: server.url,
    async hang() {
      stopped = await processTree(dataDir);
      for (const pid of stopped) signalIfAlive(pid, 'SIGSTOP');
    },
    async resume() {
      for (const pid of stopped) signalIfAlive(pid, 'SIGCONT');
      stopped = [];
    },
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server ??= await startEmbeddedPostgres({ dataDir });
    },
    async close() {
      if (stopped.length) await signal('SIGCONT').catch(() => undefined);
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Gatehouse on a FaultyPostgres of its own, with short database timeouts (a hung server is
 * given up on within two seconds), for the enclosing file: started before its tests, closed after.
 */
export function useGatehouseOnFaultyPostgres(env: Record<string, string> = {}): () => { pg: FaultyPostgres; gh: TestGatehouse } {
  let pg: FaultyPostgres | undefined;
  let gh: TestGatehouse | undefined;
  beforeAll(async () => {
    pg = await startFaultyPostgres();
    gh = await startTestGatehouse({
      DATABASE_URL: pg.url,
      // Short enough to show a bounded wait, long enough for a start on a busy 2-core machine.
      DATABASE_CONNECT_TIMEOUT_MS: '1500',
      DATABASE_STATEMENT_TIMEOUT_MS: '1500',
      DATABASE_QUERY_TIMEOUT_MS: '2000',
      DATABASE_TRANSACTION_WAIT_MS: '1500',
      ...env,
    });
  }, 60_000);
  afterAll(async () => {
    await gh?.close();
    await pg?.close();
  });
  return () => {
    if (!pg || !gh) throw new Error('not started yet');
    return { pg, gh };
  };
}

/** A backend that ended between listing the tree and signalling it (ESRCH) needs no signal. */
function signalIfAlive(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
