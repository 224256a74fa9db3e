// A real Gatehouse process (node src/main.ts, as `npm start` runs it) for crash tests: its
// standard output captured, killed with SIGKILL like the OOM killer or a lost VM would.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { findFreePort } from '../../src/db/ports.js';

export interface GatehouseProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  stderr(): string;
  kill9(): Promise<void>;
}

export async function spawnGatehouse(env: Record<string, string>): Promise<GatehouseProcess> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), BASE_URL: url, DEMO: 'false',
      MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'info', MIGRATE_ON_START: 'false',
      RATE_LIMIT_TOKEN_PER_IP: '100000000', RATE_LIMIT_TOKEN_PER_CLIENT: '100000000', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gatehouse exited (${child.exitCode}): ${err || out}`);
    if (Date.now() > deadline) throw new Error(`gatehouse did not start: ${err || out}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stdout: () => out,
    stderr: () => err,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
