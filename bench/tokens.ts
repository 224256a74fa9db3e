// The token path against its engine: each path of token-paths.ts on Gatehouse (realm routing,
// provider pool, rate limits, durable audit, security headers, request logs at the default
// level) and on a bare oidc-provider with the same features and the same kind of artifact
// storage (servers/). Both servers run side by side, each in its own process; the load generator
// (autocannon) shares the machine, so absolute numbers are noise: what counts is the ratio,
// measured in the same round with the servers alternated, as the median over rounds. On a busy
// machine the throughput ratio swings with whoever else runs; the CPU time each server's process
// spends per request is steadier, and its ratio (bare µs / Gatehouse µs) is what the throughput
// ratio would be if the server had the cores to itself. (Gatehouse's PostgreSQL, which receives
// the audit rows, is a process of its own and not counted.)
// Usage: npm run bench:tokens [-- --seconds 5 --connections 16 --rounds 3] (also npm run bench -- --only token)
//   DATABASE_URL / REDIS_URL are honoured, as for the tests.
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { isMain, printRows, type BenchRow } from './report.js';
import { startServer, type BenchServer } from './servers/start.js';
import { median } from './support.js';
import { basicAuth, post, TOKEN_PATHS } from './token-paths.js';

const SMOKE_REQUESTS = 300;
/** Issue 11: Gatehouse must keep at least this share of the bare engine's throughput; the aim is 0.85. */
const TARGET = 0.7;
const AIM = 0.85;

interface Measured { rps: number; p50: number; p99: number; cpuUs: number }

async function load(server: BenchServer, path: (typeof TOKEN_PATHS)[number], connections: number, run: { seconds: number } | { amount: number }): Promise<Measured> {
  const request = await path.request(server.target);
  const first = await post(server.target, request);
  if (!path.check(first.status, first.body)) throw new Error(`${server.name}, ${path.name}: unexpected answer ${first.status} ${JSON.stringify(first.body)}`);
  const opts = {
    url: request.url, method: 'POST' as const, connections, body: request.body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(server.target) },
  };
  if ('seconds' in run) await autocannon({ ...opts, duration: 1 }); // warm-up: JIT, caches
  const cpuBefore = await server.cpu();
  const result = await autocannon('amount' in run ? { ...opts, amount: run.amount } : { ...opts, duration: run.seconds });
  const cpuUs = (await server.cpu()) - cpuBefore;
  if (result.non2xx || result.errors) throw new Error(`${server.name}, ${path.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const elapsed = 'amount' in run ? result.duration : run.seconds;
  return { rps: result['2xx'] / elapsed, p50: result.latency.p50, p99: result.latency.p99, cpuUs: cpuUs / result['2xx'] };
}

/** Prints the detailed table (latencies, CPU per request); returns one row per path. `smoke`: a few hundred requests per path, one round. */
export async function benchTokens({ seconds = 5, connections = 16, rounds = 3, smoke = false } = {}): Promise<BenchRow[]> {
  if (smoke) rounds = 1;
  const run = smoke ? { amount: SMOKE_REQUESTS } : { seconds };
  console.log(`token paths: ${smoke ? `smoke, ${SMOKE_REQUESTS} requests` : `${seconds} s`} per path and server, ${connections} connections, ${rounds} round(s); stores: ${process.env.REDIS_URL ? 'Redis' : 'memory'}`);
  const [gatehouse, bare] = await Promise.all([startServer('gatehouse'), startServer('bare-provider')]);
  const runs = TOKEN_PATHS.map(() => ({ ours: [] as Measured[], base: [] as Measured[] }));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [i, path] of TOKEN_PATHS.entries()) {
        // Alternate which goes first: the second of a pair may run on a warmer (or busier) machine.
        const order = (round + i) % 2 ? [bare, gatehouse] : [gatehouse, bare];
        for (const server of order) runs[i]![server === gatehouse ? 'ours' : 'base'].push(await load(server, path, connections, run));
      }
    }
  } finally {
    await Promise.all([gatehouse.stop(), bare.stop()]);
  }

  const ms = (x: number) => `${x} ms`;
  const details: Record<string, object> = {};
  const rows: BenchRow[] = [];
  for (const [i, path] of TOKEN_PATHS.entries()) {
    const { ours, base } = runs[i]!;
    const ratio = median(ours.map((m, r) => m.rps / base[r]!.rps));
    const cpuRatio = median(ours.map((m, r) => base[r]!.cpuUs / m.cpuUs));
    const [rps, bareRps] = [Math.round(median(ours.map((m) => m.rps))), Math.round(median(base.map((m) => m.rps)))];
    const latencies = `${ms(median(ours.map((m) => m.p50)))} / ${ms(median(ours.map((m) => m.p99)))}`;
    details[path.name] = {
      'gatehouse req/s': rps,
      'p50 / p99': latencies,
      'bare req/s': bareRps,
      'bare p50 / p99': `${ms(median(base.map((m) => m.p50)))} / ${ms(median(base.map((m) => m.p99)))}`,
      ratio: ratio.toFixed(2),
      ...(rounds > 1 ? { 'ratio per round': ours.map((m, r) => (m.rps / base[r]!.rps).toFixed(2)).join(' ') } : {}),
      'CPU µs/req (bare)': `${Math.round(median(ours.map((m) => m.cpuUs)))} (${Math.round(median(base.map((m) => m.cpuUs)))})`,
      'CPU ratio': cpuRatio.toFixed(2),
    };
    rows.push({
      name: path.name, gatehouse: `${rps} req/s (p50 / p99 ${latencies}; CPU ratio ${cpuRatio.toFixed(2)})`, baseline: `bare oidc-provider ${bareRps} req/s`,
      ratio, target: `>= ${TARGET} (aim ${AIM})`, met: ratio >= TARGET,
    });
  }
  console.table(details);
  return rows;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '16' }, rounds: { type: 'string', default: '3' }, smoke: { type: 'boolean', default: false } },
  });
  const { seconds, connections, rounds, smoke } = values;
  const rows = await benchTokens({ seconds: Number(seconds), connections: Number(connections), rounds: Number(rounds), smoke });
  process.exitCode = printRows(rows, !smoke) && !smoke ? 1 : 0;
  process.exit(); // autocannon's agents may hold the loop open
}
