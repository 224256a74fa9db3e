// The gatehouse CLI run as a child process, the way an operator runs it: `node bin/gatehouse.js`,
// the compiled dist/ (built at install; the global setup rebuilds it once when src/ changed, so
// no child compiles or falls back to tsx). The child gets only the environment given here.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestGatehouse } from './gatehouse.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run against `databaseUrl`; nothing else of the test process leaks in. */
export function cliEnv(databaseUrl: string, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    NODE_ENV: 'test',
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    // Only an explicit `db migrate` touches the schema.
    MIGRATE_ON_START: 'false',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...extra,
  };
}

/** The environment of a CLI run against a running test Gatehouse (its database and master key). */
export const cliEnvOf = (gh: TestGatehouse) => cliEnv(gh.databaseUrl, gh.config.dataDir, { MASTER_KEY: gh.config.masterKey.toString('base64') });

/** Runs `node <entry> ...args` (default: the npm bin) with `stdin` as its whole input. */
export function runCli(env: Record<string, string>, args: string[], stdin?: string, entry: string[] = ['bin/gatehouse.js']): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
