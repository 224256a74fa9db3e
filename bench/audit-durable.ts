// Token endpoint throughput with the durable audit path (every token.granted event fsync'd to
// the spool file before it counts as written, then drained into PostgreSQL) against the
// in-memory path (AUDIT_SPOOL=false), measured in the same run, in alternating rounds so a
// noisy machine's drift hits both; reports the median of each round's ratio. Then the cost of
// the synchronous log destination per line (src/observability/logger.ts) against pino's
// asynchronous one, writing to a file.
// Usage: npm run bench:audit [-- --seconds 10 --connections 16 --rounds 3]
//   DATABASE_URL / REDIS_URL are honoured, as for the tests.
import autocannon from 'autocannon';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createLogger } from '../src/observability/logger.js';
import { measureGatehouse, tokenRequest } from './support.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' }, rounds: { type: 'string', default: '3' } } });
const duration = Number(values.seconds);
const connections = Number(values.connections);
const rounds = Number(values.rounds);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function load(url: string, clientId: string, secret: string) {
  const opts = tokenRequest(url, clientId, secret, connections);
  await autocannon({ ...opts, duration: 1 }); // warm-up (JIT, provider build)
  const result = await autocannon({ ...opts, duration });
  if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: Math.round(result['2xx'] / duration), p50: result.latency.p50, p99: result.latency.p99 };
}

const gatehouse = (spool: boolean) => measureGatehouse('warn', load, { AUDIT_SPOOL: String(spool) });

console.log(`client_credentials, opaque tokens, ${connections} connections, ${duration} s each, ${rounds} rounds; stores: ${process.env.REDIS_URL ? 'Redis' : 'memory'}`);
const rows: Record<string, { rps: number; p50: number; p99: number }> = {};
const ratios: number[] = [];
for (let round = 1; round <= rounds; round++) {
  // Alternate which goes first: the second of a pair runs on a warmer machine.
  const order = round % 2 ? [false, true] : [true, false];
  const result: Record<string, Awaited<ReturnType<typeof load>>> = {};
  for (const spool of order) result[String(spool)] = await gatehouse(spool);
  rows[`round ${round}: in-memory audit path`] = result.false!;
  rows[`round ${round}: durable audit path (spool, fsync)`] = result.true!;
  ratios.push(result.true!.rps / result.false!.rps);
}
console.table(rows);
console.log(`durable / in-memory throughput, per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ${median(ratios).toFixed(2)}`);

// One request line, as src/http/request-context.ts logs it, N times, to a file.
async function logCost(sync: boolean, lines: number) {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-log-'));
  const dest = pino.destination({ dest: join(dir, 'out.log'), sync });
  const logger = createLogger('info', dest);
  const started = process.hrtime.bigint();
  for (let i = 0; i < lines; i++) logger.info({ requestId: 'a8a5b0a4-6d1e-4a4b-9c62-5b0f8a1e2d3c', method: 'POST', path: '/realms/acme/token', status: 200, ms: 1.2, ip: '127.0.0.1' }, 'request');
  if (!sync) await new Promise<void>((r) => dest.flush(() => r()));
  const us = Number(process.hrtime.bigint() - started) / 1000 / lines;
  dest.end();
  await rm(dir, { recursive: true, force: true });
  return us;
}
const lines = 100_000;
const [syncUs, asyncUs] = [await logCost(true, lines), await logCost(false, lines)];
console.log(`log line to a file: synchronous ${syncUs.toFixed(1)} µs, asynchronous ${asyncUs.toFixed(1)} µs (${lines} lines each)`);
process.exit(0);
