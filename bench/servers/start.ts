// Starts a server of this folder in a process of its own and waits for its announcement
// (announce.ts). Its stdout is read for that line only; stderr passes through.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ANNOUNCE, CPU, type Target } from './announce.js';

export interface BenchServer {
  name: string;
  target: Target;
  /** CPU time the server's process has used so far, in µs. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

/** `nodeArgs`: more options for the server's node (e.g. --cpu-prof); `env`: added to this process's environment. */
export async function startServer(name: 'gatehouse' | 'bare-provider', nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<BenchServer> {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cpuAnswers: Array<(us: number) => void> = [];
  const target = await new Promise<Target>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server ${name} exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith(ANNOUNCE)) resolve(JSON.parse(line.slice(ANNOUNCE.length)) as Target);
      else if (line.startsWith(CPU)) cpuAnswers.shift()?.(Number(line.slice(CPU.length)));
    });
  });
  return {
    name,
    target,
    cpu() {
      return new Promise<number>((resolve) => {
        cpuAnswers.push(resolve);
        child.stdin!.write('cpu\n');
      });
    },
    async stop() {
      child.stdin!.end();
      await exited;
    },
  };
}
