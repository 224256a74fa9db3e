// A crash (kill -9) loses no log line the process had already logged. pino's default
// destination writes asynchronously and buffers while a write is in flight: the lines logged
// just before a crash, the ones that explain it, died with the process.
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

function runChild(lines: number): Promise<{ stdout: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/faults/logs-crash-child.ts', String(lines)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.once('error', reject);
    child.once('close', (_code, signal) => resolve({ stdout, signal }));
  });
}

it('keeps every line logged before a SIGKILL, up to the last one', async () => {
  const { stdout, signal } = await runChild(200);
  expect(signal).toBe('SIGKILL');
  const logged = stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; requestId?: string });
  expect(logged.at(-1)?.msg).toBe('last line before the kill');
  expect(logged.filter((l) => l.requestId).map((l) => l.requestId)).toEqual(Array.from({ length: 200 }, (_, i) => `req-${i}`));
}, 60_000);
