// What a start finds in the embedded data folder's postmaster.pid: a PostgreSQL another live
// Gatehouse owns (refused, with what to do instead), an orphan whose owner died (stopped), or a
// pid that is not a postmaster of this folder at all (the file is removed).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearStalePostmaster, isAlive } from '../../src/db/embedded-postmaster.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A data folder whose postmaster.pid names a live process that has the folder on its command line, as `postgres -D <dir>` does. */
async function dataDirWithPostmaster() {
  const dir = await mkdtemp(join(tmpdir(), 'gh-postmaster-'));
  dirs.push(dir);
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', '-D', dir], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  await writeFile(join(dir, 'postmaster.pid'), `${child.pid}\n${dir}\n`);
  return { dir, pid: child.pid! };
}

describe('clearStalePostmaster', () => {
  it('refuses a PostgreSQL that a live process owns, and says what to do instead', async () => {
    const { dir, pid } = await dataDirWithPostmaster();
    // This test process spawned it, so it is the live owner.
    await expect(clearStalePostmaster(dir, process.pid, () => undefined)).rejects.toThrow(
      new RegExp(`already running \\(pid ${pid}.*Stop that process first.*management API.*DATABASE_URL`),
    );
    expect(isAlive(pid)).toBe(true);
  });

  it('stops an orphan whose owner is gone', async () => {
    const { dir, pid } = await dataDirWithPostmaster();
    const logged: string[] = [];
    await clearStalePostmaster(dir, 999_999_999, (m) => logged.push(m));
    expect(isAlive(pid)).toBe(false);
    expect(logged.join('\n')).toMatch(`stopping orphaned embedded PostgreSQL (pid ${pid})`);
  });

  it('removes a pid file that names some other process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gh-postmaster-'));
    dirs.push(dir);
    await writeFile(join(dir, 'postmaster.pid'), `${process.pid}\n`); // alive, but not `postgres -D <dir>`
    await clearStalePostmaster(dir, undefined, () => undefined);
    await expect(readFile(join(dir, 'postmaster.pid'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
