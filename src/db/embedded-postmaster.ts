// Process and file-ownership chores around an embedded PostgreSQL data directory: running as
// root (the server must run as OS user `postgres`) and a postmaster left behind when the
// process that started it was SIGKILLed (the next start would fail with "undefined").
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chown, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface OsUser {
  uid: number;
  gid: number;
}

/** State and parent of a process from Linux's /proc; undefined without /proc or process. */
function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const [state = '', ppid] = line.slice(line.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs. A zombie does not: an orphan's exit is reaped late by some init processes. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if (!(error instanceof Error && 'code' in error && error.code === 'EPERM')) return false;
  }
  return procStat(pid)?.state !== 'Z';
}

/** OS user `postgres`, or undefined when there is none. */
export async function postgresUser(): Promise<OsUser | undefined> {
  const id = async (flag: string): Promise<number | undefined> => {
    const out = await execFileAsync('id', [flag, 'postgres']).catch(() => undefined);
    const value = Number(out?.stdout.trim());
    return out && Number.isInteger(value) ? value : undefined;
  };
  const [uid, gid] = await Promise.all([id('-u'), id('-g')]);
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

/**
 * As root, initdb and postgres run as OS user `postgres` (PostgreSQL refuses to run as root):
 * an existing one, else a new system account without a login shell or home.
 */
export async function ensurePostgresUser(): Promise<OsUser> {
  const existing = await postgresUser();
  if (existing) return existing;
  const common = ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin'];
  // --user-group fails when a group `postgres` already exists: then join that one.
  const created = await execFileAsync('useradd', [...common, '--user-group', 'postgres'])
    .catch(() => execFileAsync('useradd', [...common, '--gid', 'postgres', 'postgres']))
    .then(() => postgresUser(), () => undefined);
  if (!created) {
    throw new Error('running as root, the embedded PostgreSQL needs an OS user "postgres" to run as, and creating one with useradd failed: create it (useradd --system postgres) or set DATABASE_URL');
  }
  return created;
}

/**
 * Whether `user` can enter every directory from `dir` up to `/`. Only the primary group
 * counts: spawning with uid/gid drops supplementary groups (libuv calls setgroups(0)).
 */
export async function blockedAt(dir: string, user: OsUser): Promise<{ dir: string; mode: number } | undefined> {
  for (let current = dir; ; current = dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info) {
      const bit = info.uid === user.uid ? 0o100 : info.gid === user.gid ? 0o010 : 0o001;
      if ((info.mode & bit) === 0) return { dir: current, mode: info.mode & 0o777 };
    }
    if (dirname(current) === current) return undefined;
  }
}

async function chownTree(path: string, user: OsUser): Promise<void> {
  await chown(path, user.uid, user.gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isDirectory()) await chownTree(join(path, entry.name), user);
    else await chown(join(path, entry.name), user.uid, user.gid);
  }
}

/** As root: the data directory must belong to `postgres` (it may have been made by another user). */
export async function ensureOwnedBy(dataDir: string, user: OsUser): Promise<void> {
  if ((await stat(dataDir)).uid !== user.uid) await chownTree(dataDir, user);
}

async function processInfo(pid: number): Promise<{ ppid: number; args: string[] } | undefined> {
  const stat = procStat(pid);
  if (stat) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return { ppid: stat.ppid, args: cmdline.split('\0') };
  }
  // No /proc (macOS): ask ps (its command line is space-joined).
  const out = await execFileAsync('ps', ['-o', 'ppid=,command=', '-p', String(pid)]).catch(() => undefined);
  const match = out?.stdout.trim().match(/^(\d+)\s+(.*)$/);
  return match?.[1] && match[2] !== undefined ? { ppid: Number(match[1]), args: match[2].split(' ') } : undefined;
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isAlive(pid);
}

/**
 * Deals with a postmaster.pid left in `dataDir`. A live postmaster whose parent is the
 * recorded owner is in use by another process: that is an error. One whose owner is gone is an
 * orphan: it is shut down (fast shutdown, then SIGKILL). A pid file naming a dead or unrelated
 * process (pids get reused after a reboot or in containers) is removed.
 */
export async function clearStalePostmaster(
  dataDir: string,
  ownerPid: number | undefined,
  log: (message: string) => void,
): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!pid) return;
  const info = isAlive(pid) ? await processInfo(pid) : undefined;
  // Ours is `postgres -D <dataDir> ...`: another cluster's path may merely start with ours.
  if (!info?.args.includes(dataDir)) {
    log(`removing stale ${pidFile} (pid ${pid} is not its postmaster)`);
    await unlink(pidFile).catch(() => undefined);
    return;
  }
  if (info.ppid === ownerPid) {
    throw new Error(
      `embedded PostgreSQL in ${dataDir} is already running (pid ${pid}, started by process ${ownerPid}): ` +
        'another Gatehouse process (npm start?) owns it. Stop that process first, use the management API while it runs, ' +
        'or point both at a shared PostgreSQL with DATABASE_URL',
    );
  }
  log(`stopping orphaned embedded PostgreSQL (pid ${pid}) left by a process that died`);
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 10_000))) {
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
  }
}
