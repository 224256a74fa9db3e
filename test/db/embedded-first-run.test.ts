// A first run from a private folder (a clone in /root, mode 700): the embedded PostgreSQL starts
// from binaries and a data folder under mode-700 parents. As root (CI, containers) the server runs
// as OS user `postgres`, which cannot enter them: Gatehouse uses private copies it can reach. Not
// root, the same calls run in place. Either way the password file is never readable by others and
// a failed start leaves nothing half-made.
import { cp, chmod, mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { packageNativeDir } from '../../src/db/embedded-location.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { postgresUser } from '../../src/db/embedded-postmaster.js';

const asRoot = userInfo().uid === 0;
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A folder like /root: mode 700, owned by whoever runs the tests. */
async function privateHome(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gh-home-'));
  dirs.push(dir);
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  return dir;
}

/** Where private copies may go: owned by us, 0755, as /var/lib/gatehouse would be. */
async function privateRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gh-private-root-'));
  dirs.push(dir);
  await chmod(dir, 0o755);
  return dir;
}

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

/** Files under `dir` that others may read and that contain `secret`. */
async function worldReadableWith(dir: string, secret: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || ((await stat(path)).mode & 0o004) === 0) continue;
    if ((await readFile(path)).includes(secret)) found.push(path);
  }
  return found;
}

const tmpPasswordFiles = async () => (await readdir(tmpdir())).filter((n) => n.startsWith('pg-password-'));

describe('embedded PostgreSQL under mode-700 folders', () => {
  it(asRoot ? 'as root: starts from private copies postgres can reach, keeps data across restarts' : 'not root: starts in place and keeps data across restarts', async () => {
    const home = await privateHome();
    const root = await privateRoot();
    const nativeDir = join(home, 'gatehouse', 'node_modules', 'native');
    await cp(await packageNativeDir(), nativeDir, { recursive: true, verbatimSymlinks: true });
    const dataDir = join(home, 'gatehouse', '.data', 'postgres');
    const passwordFilesBefore = await tmpPasswordFiles();

    const first = await startEmbeddedPostgres({ dataDir, nativeDir, privateRoots: [root] });
    try {
      await query(first.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES (\'first run\')');
    } finally {
      await first.stop();
    }
    const serverLog: string[] = [];
    const second = await startEmbeddedPostgres({ dataDir, nativeDir, privateRoots: [root], log: (m) => serverLog.push(m) });
    try {
      expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'first run' }]);
      // The database is there already: looked for, not created again (no ERROR in the server's log).
      expect(serverLog.join('\n')).toContain('ready to accept connections');
      expect(serverLog.join('\n')).not.toMatch(/ERROR/);
    } finally {
      await second.stop();
    }

    const password = decodeURIComponent(new URL(second.url).password);
    expect(await tmpPasswordFiles()).toEqual(passwordFilesBefore);
    expect(await worldReadableWith(join(home, 'gatehouse', '.data'), password)).toEqual([]);
    expect(await worldReadableWith(root, password)).toEqual([]);
    if (asRoot) {
      const postgres = await postgresUser();
      const { clusterDir } = JSON.parse(await readFile(join(dataDir, 'location.json'), 'utf8')) as { clusterDir: string };
      expect(clusterDir.startsWith(join(root, 'data'))).toBe(true);
      const info = await stat(clusterDir);
      expect({ uid: info.uid, mode: info.mode & 0o777 }).toEqual({ uid: postgres?.uid, mode: 0o700 });
      expect((await stat(join(dataDir, 'location.json'))).mode & 0o777).toBe(0o600);
      expect(await readdir(join(root, 'bin'))).toHaveLength(1);
    } else {
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      expect(await readdir(root)).toEqual([]);
    }
  });

  it('a failed initdb says why, leaves no half-made data folder, and its password file was private', async () => {
    const home = await privateHome();
    const root = await privateRoot();
    // Binaries whose initdb reports how its --pwfile is protected, then fails.
    const nativeDir = join(home, 'native');
    await mkdir(join(nativeDir, 'bin'), { recursive: true });
    const script = [
      '#!/bin/sh',
      'for a in "$@"; do case "$a" in --pwfile=*) f="${a#--pwfile=}";; --pgdata=*) d="${a#--pgdata=}";; esac; done',
      'mkdir -p "$d" && touch "$d/PG_VERSION"',
      'echo "pwfile $(stat -c \'%a %U\' "$f"), its folder $(stat -c \'%a %U\' "$(dirname "$f")")" >&2',
      'echo "initdb: simulated failure" >&2',
      'exit 1',
    ].join('\n');
    for (const name of ['initdb', 'postgres']) await writeFile(join(nativeDir, 'bin', name), `${script}\n`, { mode: 0o755 });
    const dataDir = join(home, '.data', 'postgres');
    const passwordFilesBefore = await tmpPasswordFiles();

    const owner = asRoot ? 'postgres' : userInfo().username;
    await expect(startEmbeddedPostgres({ dataDir, nativeDir, privateRoots: [root] })).rejects.toThrow(
      new RegExp(`could not be initialised in .*pwfile 600 ${owner}, its folder 700 ${owner}.*simulated failure`, 's'),
    );
    expect(existsSync(dataDir)).toBe(false);
    if (asRoot) expect(await readdir(join(root, 'data'))).toEqual([]);
    else expect(await readdir(join(home, '.data'))).toEqual([]);
    expect(await tmpPasswordFiles()).toEqual(passwordFilesBefore);
  });
});
