// A redis-server of the test's own, on a free port, to kill, pause and restart: fault tests never
// touch the machine's shared Redis. Keeps nothing on disk, like the shared one.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { findFreePort } from '../../src/db/ports.js';

export interface OwnRedis {
  url: string;
  /** Starts it (again) on the same port and resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGKILL, resolved when the process is gone: connections are cut at once. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a hung Redis, connections open but nothing answers. */
  pause(): void;
  resume(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One PING over a raw socket: true on +PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(200, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await findFreePort();
  let child: ChildProcess | undefined;
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        if (await pings(port)) return;
        if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
        await sleep(50);
      }
      throw new Error(`redis-server on port ${port} did not answer within 5 s`);
    },
    async kill() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
  };
  await own.start();
  return own;
}
