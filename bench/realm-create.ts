// Realm creation through the management API (POST /api/v1/realms with a platform key), as a
// developer sees it: paced (one realm at a time with a short pause, the key pool refills between
// them) and in a burst (back to back, the pool drains and pairs are generated on the spot), and
// the old path in the same run: every pair generated inside the request (SIGNING_KEY_POOL_SIZE=0).
// The target is absolute (no baseline): the paced p50 under 50 ms.
// Usage: npm run bench:realm-create [-- --count 40]
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { buildDeveloper } from '../test/api/support.js';
import { startTestGatehouse } from '../test/support/gatehouse.js';
import { isMain, printRows, type BenchRow } from './report.js';
import { quantile } from './support.js';

const TARGET_MS = 50;

async function measure(count: number, poolSize: string, pauseMs: number): Promise<number[]> {
  const gh = await startTestGatehouse({ LOG_LEVEL: 'warn', SIGNING_KEY_POOL_SIZE: poolSize });
  try {
    const { key } = await buildDeveloper(gh);
    if (Number(poolSize) > 0) while (gh.services.signingKeyPool.ready('RS256') < Number(poolSize)) await sleep(20);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const res = await fetch(`${gh.url}/api/v1/realms`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `bench-${randomBytes(4).toString('hex')}` }) });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`POST /api/v1/realms answered ${res.status}`);
      times.push(performance.now() - started);
      if (pauseMs) await sleep(pauseMs);
    }
    return times;
  } finally {
    await gh.close();
  }
}

const RUNS: Array<[string, string, number]> = [
  ['key pool, one realm every 300 ms', '2', 300],
  ['key pool, back to back (burst)', '2', 0],
  ['no pool: keys made in the request', '0', 0],
];

/** Prints each run's p50/p90/max; returns the paced run's p50 against the target. `smoke`: 3 realms per run. */
export async function benchRealmCreate({ count = 40, smoke = false } = {}): Promise<BenchRow[]> {
  if (smoke) count = 3;
  console.log(`realm creation over the API, ${count} realms per run (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'})`);
  const p50s: number[] = [];
  for (const [name, poolSize, pause] of RUNS) {
    const t = await measure(count, poolSize, pause);
    p50s.push(quantile(t, 0.5));
    console.log(`${name.padEnd(36)} p50 ${quantile(t, 0.5).toFixed(1).padStart(6)} ms  p90 ${quantile(t, 0.9).toFixed(1).padStart(6)} ms  max ${Math.max(...t).toFixed(1).padStart(6)} ms`);
  }
  const [paced, burst, noPool] = p50s as [number, number, number];
  return [{
    name: 'realm creation p50 (paced, key pool)', gatehouse: `${paced.toFixed(1)} ms`, baseline: `none (burst ${burst.toFixed(0)} ms, no pool ${noPool.toFixed(0)} ms)`,
    ratio: null, target: `< ${TARGET_MS} ms`, met: paced < TARGET_MS,
  }];
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '40' } } });
  process.exitCode = printRows(await benchRealmCreate({ count: Number(values.count) })) ? 1 : 0;
}
