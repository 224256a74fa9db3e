// Cold start with existing data: time from spawning the server to the first /healthz 200, for
// `npm start` (bin/start.js: the bundle of dist/, see bin/launch.js), the compiled modules of
// dist/ unbundled, the TypeScript sources through tsx (the old way), and a bare oidc-provider app
// on Express as the baseline, alternated in one run. The runner's row (run.ts) reports npm start
// against the bare app and issue 11's target (TARGET_MS).
// Usage: npm run bench:cold-start [-- --rounds 5] [-- --database-url postgresql://...]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findFreePort } from '../src/db/ports.js';
import { isMain, printRows, type BenchRow } from './report.js';
import { median } from './support.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Issue 11: with existing data, /healthz answers 200 within this long of the spawn. */
const TARGET_MS = 1500;

const BARE_APP = `
import express from 'express';
import Provider from 'oidc-provider';
const app = express();
app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
const provider = new Provider('http://127.0.0.1:' + process.env.PORT + '/realms/a', { clients: [{ client_id: 'c', client_secret: 's', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }], features: { clientCredentials: { enabled: true }, introspection: { enabled: true } } });
app.use('/realms/a', provider.callback());
app.listen(Number(process.env.PORT), '127.0.0.1');
`;

interface Target {
  name: string;
  args: string[];
}

const TARGETS: Target[] = [
  { name: 'npm start (bin/start.js, bundle)', args: [join(ROOT, 'bin/start.js')] },
  { name: 'dist/ modules, unbundled', args: [join(ROOT, 'dist/main.js')] },
  { name: 'sources through tsx', args: ['--import', 'tsx', join(ROOT, 'src/main.ts')] },
  { name: 'bare oidc-provider + express', args: ['--input-type=module', '-e', BARE_APP] },
];

async function waitForHealth(url: string, child: ReturnType<typeof spawn>, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(url).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('no /healthz 200 within 120 s');
}

/** Spawns one server, returns ms from spawn to /healthz 200, stops it. */
async function startOnce(target: Target, env: Record<string, string>): Promise<number> {
  const port = await findFreePort();
  const started = performance.now();
  const child = spawn(process.execPath, target.args, { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, child, Date.now() + 120_000);
    return performance.now() - started;
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

/** `smoke`: one round of npm start and the bare app. `databaseUrl`: a server's database instead of the embedded PostgreSQL. */
export async function benchColdStart({ rounds = 5, databaseUrl = undefined as string | undefined, smoke = false } = {}): Promise<BenchRow[]> {
  if (smoke) rounds = 1;
  const targets = smoke ? [TARGETS[0]!, TARGETS.at(-1)!] : TARGETS;
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-cold-'));
  try {
    const env: Record<string, string> = { DATA_DIR: dataDir, NODE_ENV: 'development', DEMO: 'false', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
    // The first start creates the data (master key, embedded database, migrations, admin realm).
    const first = await startOnce(targets[0]!, env);
    console.log(`first start (creates the data): ${first.toFixed(0)} ms`);
    const times = new Map(targets.map((t) => [t.name, [] as number[]]));
    for (let r = 0; r < rounds; r++) for (const t of targets) times.get(t.name)!.push(await startOnce(t, env));
    console.log(`\ncold start to /healthz 200 with existing data (${rounds} rounds, alternated; ${databaseUrl ? 'DATABASE_URL' : 'embedded PostgreSQL'})`);
    const bare = median(times.get(targets.at(-1)!.name)!);
    for (const t of targets) {
      const xs = times.get(t.name)!;
      console.log(`${t.name.padEnd(34)} median ${median(xs).toFixed(0).padStart(5)} ms  min ${Math.min(...xs).toFixed(0).padStart(5)}  max ${Math.max(...xs).toFixed(0).padStart(5)}  vs bare ${(median(xs) / bare).toFixed(2)}x`);
    }
    const ours = median(times.get(targets[0]!.name)!);
    return [{ name: 'cold start to /healthz (npm start)', gatehouse: `${ours.toFixed(0)} ms`, baseline: `bare oidc-provider + express ${bare.toFixed(0)} ms`, ratio: ours / bare, target: `< ${TARGET_MS} ms`, met: ours < TARGET_MS }];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, 'database-url': { type: 'string' } } });
  printRows(await benchColdStart({ rounds: Number(values.rounds), databaseUrl: values['database-url'] }));
}
