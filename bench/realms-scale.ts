// 10,000 realms: client_credentials tokens for realms picked at random, against the same
// traffic to one realm, in the same process and run. Realms are seeded in bulk (copies of one
// realm built through the services: its settings, its service app with the same secret hash,
// its signing keys re-sealed to each copy), so seeding takes seconds, not an hour of RSA.
// Prints p50/p99, provider builds and the process's memory after each phase. Target: the many
// realms' p50 and p99 within 1.5x of the one realm's.
// Usage: npm run bench:realms-scale [-- --realms 10000 --seconds 15 --connections 16]
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createSealer } from '../src/security/encryption.js';
import { buildApp, buildRealm } from '../test/support/builders.js';
import { startTestGatehouse, type TestGatehouse } from '../test/support/gatehouse.js';
import { isMain, printRows, type BenchRow } from './report.js';
import { tokenRequest } from './support.js';

const TARGET = 1.5;

/** Copies `template` (settings, apps, keys) into `count` new realms named scale-<i>. */
async function seed(gh: TestGatehouse, template: { id: string; settings: unknown }, count: number): Promise<string[]> {
  const sealer = createSealer(gh.config.masterKey, 'signing-keys');
  const [apps, keys] = await Promise.all([gh.prisma.app.findMany({ where: { realmId: template.id } }), gh.prisma.signingKey.findMany({ where: { realmId: template.id } })]);
  const openKeys = keys.map((k) => ({ ...k, plain: sealer.open(k.privateJwk, `${template.id}:${k.kid}`) }));
  const names: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({ id: randomUUID(), name: `scale-${start + i}` }));
    names.push(...batch.map((r) => r.name));
    // Realms first (the others reference them); no transaction: a bench seed, not a product path.
    await gh.prisma.realm.createMany({ data: batch.map((r) => ({ ...r, displayName: r.name, settings: template.settings as object })) });
    await gh.prisma.app.createMany({ data: batch.flatMap((r) => apps.map(({ id: _id, realmId: _realm, createdAt: _c, updatedAt: _u, ...app }) => ({ ...app, apiAccess: app.apiAccess as object, realmId: r.id }))) });
    await gh.prisma.signingKey.createMany({
        data: batch.flatMap((r) => openKeys.map((k) => ({ realmId: r.id, kid: k.kid, alg: k.alg, publicJwk: k.publicJwk as object, privateJwk: sealer.seal(k.plain, `${r.id}:${k.kid}`), activatesAt: k.activatesAt }))),
    });
  }
  return names;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
function memory() {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return `rss ${mib(m.rss)}, heap used ${mib(m.heapUsed)}`;
}

async function run(gh: TestGatehouse, paths: string[], clientId: string, secret: string, seconds: number, connections: number) {
  const base = tokenRequest(`${gh.url}${paths[0]}`, clientId, secret, connections);
  const result = await autocannon({
    ...base,
    duration: seconds,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)]! }) }],
  });
  return { rps: Math.round(result['2xx'] / seconds), p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

/** One token request for every realm, each in turn: after it, every realm's provider has been built once. */
async function visitEach(gh: TestGatehouse, paths: string[], clientId: string, secret: string, connections: number) {
  let next = 0;
  const result = await autocannon({
    ...tokenRequest(`${gh.url}${paths[0]}`, clientId, secret, connections),
    amount: paths.length,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) }],
  });
  return result.non2xx + result.errors;
}

/** `smoke`: 50 realms, 2 s per phase and short warm-ups, to check the answers. */
export async function benchRealmsScale({ realms = 10_000, seconds = 15, connections = 16, env = {} as Record<string, string>, smoke = false } = {}): Promise<BenchRow[]> {
  if (smoke) [realms, seconds] = [50, 2];
  const gh = await startTestGatehouse({ LOG_LEVEL: 'warn', RATE_LIMIT_TOKEN_PER_IP: '100000000', RATE_LIMIT_TOKEN_PER_CLIENT: '100000000', ...env });
  try {
    const template = await buildRealm(gh);
    const { app, clientSecret } = await buildApp(gh, template, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    const seeded = performance.now();
    const names = await seed(gh, template, realms);
    console.log(`seeded ${names.length} realms in ${((performance.now() - seeded) / 1000).toFixed(1)} s; ${memory()}`);
    const tokenPath = (name: string) => `/realms/${name}/token`;
    const phases: Array<[string, string[]]> = [
      ['one realm', [tokenPath(template.name)]],
      [`${names.length} realms, random order`, names.map(tokenPath)],
    ];
    const results: Array<Awaited<ReturnType<typeof run>>> = [];
    for (const [label, paths] of phases) {
      // Warm-up: for many realms a pass over every one (the pool's steady state: each realm's
      // provider built once, kept if the pool has room), then random traffic for the JIT.
      if (paths.length > 1) {
        const started = performance.now();
        const failed = await visitEach(gh, paths, app.clientId, clientSecret!, connections);
        if (failed) throw new Error(`realms-scale, ${label}: ${failed} answers of the warm-up pass were not 2xx (or failed)`);
        console.log(`warm-up: a token from each of ${paths.length} realms in ${((performance.now() - started) / 1000).toFixed(1)} s; providers cached ${gh.pool.size()}; ${memory()}`);
      }
      await run(gh, paths, app.clientId, clientSecret!, smoke ? 1 : 3, connections);
      const before = gh.pool.size();
      const r = await run(gh, paths, app.clientId, clientSecret!, seconds, connections);
      if (r.errors) throw new Error(`realms-scale, ${label}: ${r.errors} answers were not 2xx (or failed)`);
      results.push(r);
      console.log(`${label.padEnd(28)} ${String(r.rps).padStart(6)} tokens/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  errors ${r.errors}  providers cached ${before}->${gh.pool.size()}; ${memory()}`);
    }
    const [one, many] = [results[0]!, results[1]!];
    console.log(`ratio many/one: p50 ${(many.p50 / one.p50).toFixed(2)}x, p99 ${(many.p99 / one.p99).toFixed(2)}x, throughput ${(many.rps / one.rps).toFixed(2)}x (target: latencies within ${TARGET}x)`);
    // autocannon counts whole milliseconds: a 0 ms baseline has no ratio (and nothing to be 1.5x of).
    const row = (q: 'p50' | 'p99'): BenchRow => {
      const ratio = one[q] > 0 ? many[q] / one[q] : null;
      return { name: `${names.length} realms, token ${q}`, gatehouse: `${many[q]} ms (${many.rps} tokens/s)`, baseline: `one realm ${one[q]} ms (${one.rps} tokens/s)`, ratio, target: `<= ${TARGET}x`, met: ratio === null ? many[q] <= 1 : ratio <= TARGET };
    };
    return [row('p50'), row('p99')];
  } finally {
    await gh.close();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { realms: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '15' }, connections: { type: 'string', default: '16' }, env: { type: 'string', multiple: true, default: [] } } });
  const env = Object.fromEntries(values.env.map((kv) => kv.split('=', 2) as [string, string]));
  const rows = await benchRealmsScale({ realms: Number(values.realms), seconds: Number(values.seconds), connections: Number(values.connections), env });
  process.exitCode = printRows(rows) ? 1 : 0;
}
