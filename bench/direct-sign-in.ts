// Direct sign-in throughput (POST /api/v1/realms/{realm}/auth/sign-in: API key, throttle,
// argon2id verify, audit, and the realm's tokens minted through its oidc-provider) against the
// limit argon2id itself sets: verifies/s at the same parameters and concurrency, measured in the
// same run on the same machine (before and after the sign-in run). Issue 8's target: ratio >= 0.8. Also prints the answer times of
// an unknown email and a wrong password (the same timing class: one verify and the same delay).
// Usage: npm run bench:direct [-- --seconds 10 --connections 16]; DATABASE_URL / REDIS_URL are honoured.
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildApp, buildRealm, buildUser } from '../test/support/builders.js';
import { startTestGatehouse } from '../test/support/gatehouse.js';
import { isMain, printRows, type BenchRow } from './report.js';
import { argon2Run, cpuMs, cpuOutsideArgon2, median, SIGN_IN_LIMITS_OFF } from './support.js';

const TARGET = 0.8;

/** `smoke`: a few hundred milliseconds of load, to check the answers. */
export async function benchDirectSignIn({ seconds = 10, connections = 16, smoke = false } = {}): Promise<BenchRow[]> {
  const duration = smoke ? 1 : seconds;
  const gh = await startTestGatehouse({ LOG_LEVEL: 'warn', ...SIGN_IN_LIMITS_OFF });
  try {
    const realm = await buildRealm(gh);
    const { key } = await gh.services.apiKeys.create({ kind: 'realm', realmId: realm.id, name: 'bench' }, { actor: 'bench' });
    const { app } = await buildApp(gh, realm, { firstParty: true, directAuth: true });
    const user = await buildUser(gh, realm);
    const url = `${gh.url}/api/v1/realms/${realm.name}/auth/sign-in`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    const body = (email: string, password: string) => JSON.stringify({ clientId: app.clientId, email, password });

    // Warm up: the realm's provider is built on first use.
    const warm = await fetch(url, { method: 'POST', headers, body: body(user.email, user.password) });
    if (warm.status !== 200) throw new Error(`sign-in failed during warm-up: ${warm.status} ${await warm.text()}`);
    const tokens = (await warm.json()) as Record<string, unknown>;
    if (typeof tokens.access_token !== 'string' || typeof tokens.id_token !== 'string') throw new Error(`sign-in answered no tokens: ${JSON.stringify(tokens)}`);

    // argon2id alone before and after the sign-in run (half the time each): other work on the
    // machine weighs on the limit as on the run it brackets. One continuous run: short rounds
    // would count the pipeline's fill and drain (16 requests of ~250 ms in flight) as lost time.
    const before = await argon2Run(gh.config.argon2, duration / 2, connections);
    const cpu = process.cpuUsage();
    const result = await autocannon({ url, method: 'POST', headers, body: body(user.email, user.password), connections, duration });
    const runCpuMs = cpuMs(cpu);
    const after = await argon2Run(gh.config.argon2, duration / 2, connections);
    const limit = Math.round((before.done + after.done) / duration);
    const rps = Math.round(result['2xx'] / duration);
    const failures = result.non2xx + result.errors;
    if (failures) throw new Error(`direct sign-in: ${failures} of ${result['2xx'] + failures} answers were not 2xx`);

    const timed = async (email: string, password: string) => {
      const times: number[] = [];
      for (let i = 0; i < (smoke ? 1 : 5); i++) {
        const start = performance.now();
        const res = await fetch(url, { method: 'POST', headers, body: body(email, password) });
        await res.text();
        if (res.status !== 401) throw new Error(`a refused sign-in answered ${res.status}, not 401`);
        times.push(performance.now() - start);
      }
      return Math.round(median(times));
    };
    const [unknownMs, wrongMs] = [await timed('nobody-here@example.com', 'whatever password'), await timed(user.email, 'not the password')];

    const ratio = rps / limit;
    const { memoryCost, timeCost, parallelism } = gh.config.argon2;
    console.log(`direct sign-in: ${rps}/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms; argon2id verify limit (m=${memoryCost} t=${timeCost} p=${parallelism}, ${connections} in flight) ${limit}/s`);
    console.log(`direct sign-in: ${cpuOutsideArgon2({ cpuMs: runCpuMs, count: result['2xx'] }, [before, after])} (Gatehouse and the in-process load generator)`);
    console.log(`401 timing (median, the throttle's growing delay included): unknown email ${unknownMs} ms, wrong password ${wrongMs} ms`);
    return [{
      name: 'direct sign-in API', gatehouse: `${rps}/s (p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms)`, baseline: `argon2id ${limit} verifies/s`,
      ratio, target: `>= ${TARGET.toFixed(2)}`, met: ratio >= TARGET,
    }];
  } finally {
    await gh.close();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' } } });
  const rows = await benchDirectSignIn({ seconds: Number(values.seconds), connections: Number(values.connections) });
  process.exitCode = printRows(rows) ? 1 : 0;
}
