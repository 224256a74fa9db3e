// Realm creation through the management API (POST /api/v1/realms with a platform key), as a
// developer sees it: paced (one realm at a time with a short pause, the key pool refills between
// them) and in a burst (back to back, the pool drains and pairs are generated on the spot), and
// the old path in the same run: every pair generated inside the request (SIGNING_KEY_POOL_SIZE=0).
// Usage: npm run bench:realm-create [-- --count 40]
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildDeveloper } from '../test/api/support.js';
import { startTestGatehouse } from '../test/support/gatehouse.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const count = Number(arg('count') ?? 40);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

async function measure(poolSize: string, pauseMs: number): Promise<number[]> {
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

const runs: Array<[string, string, number]> = [
  ['key pool, one realm every 300 ms', '2', 300],
  ['key pool, back to back (burst)', '2', 0],
  ['no pool: keys made in the request', '0', 0],
];
console.log(`realm creation over the API, ${count} realms per run (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'})`);
for (const [name, poolSize, pause] of runs) {
  const t = await measure(poolSize, pause);
  console.log(`${name.padEnd(36)} p50 ${quantile(t, 0.5).toFixed(1).padStart(6)} ms  p90 ${quantile(t, 0.9).toFixed(1).padStart(6)} ms  max ${Math.max(...t).toFixed(1).padStart(6)} ms`);
}
