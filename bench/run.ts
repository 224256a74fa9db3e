// npm run bench: every bench of issue 11 in sequence, each figure of Gatehouse against its
// baseline in one table at the end (each part prints its own details as it goes):
//   token         client_credentials opaque and JWT, introspection vs a bare oidc-provider (tokens.ts)
//   sign-in       hosted password sign-in vs the argon2id verify limit (hosted-sign-in.ts)
//   direct        the direct sign-in API vs the same limit (direct-sign-in.ts)
//   scale         10,000 realms' token p50/p99 vs one realm's (realms-scale.ts)
//   cold-start    npm start to /healthz vs a bare oidc-provider app (cold-start.ts)
//   realm-create  realm creation p50, an absolute target (realm-create.ts)
// A part that fails (wrong answers, a failed flow) is reported and the others still run; the
// exit status is 1 when a part failed or, outside a smoke, a target was not met.
// Usage: npm run bench [-- --only token,sign-in --seconds 5 --connections 16]
//        npm run bench -- --smoke    a minimal run of each, answers checked, no target asserted (CI)
//   --seconds / --connections, when given, replace each part's own default. DATABASE_URL / REDIS_URL are honoured.
import { parseArgs } from 'node:util';
import { benchColdStart } from './cold-start.js';
import { benchDirectSignIn } from './direct-sign-in.js';
import { benchHostedSignIn } from './hosted-sign-in.js';
import { benchRealmCreate } from './realm-create.js';
import { benchRealmsScale } from './realms-scale.js';
import { loadAverage, printRows, type BenchRow } from './report.js';
import { benchTokens } from './tokens.js';

const { values } = parseArgs({ options: { only: { type: 'string' }, smoke: { type: 'boolean', default: false }, seconds: { type: 'string' }, connections: { type: 'string' } } });
const smoke = values.smoke;
const load = { smoke, ...(values.seconds ? { seconds: Number(values.seconds) } : {}), ...(values.connections ? { connections: Number(values.connections) } : {}) };

const PARTS: Record<string, () => Promise<BenchRow[]>> = {
  token: () => benchTokens(load),
  'sign-in': () => benchHostedSignIn(load),
  direct: () => benchDirectSignIn(load),
  scale: () => benchRealmsScale(load),
  'cold-start': () => benchColdStart({ smoke }),
  'realm-create': () => benchRealmCreate({ smoke }),
};
const chosen = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(PARTS);
const unknown = chosen.filter((name) => !(name in PARTS));
if (unknown.length) {
  console.error(`unknown part(s): ${unknown.join(', ')}; choose from ${Object.keys(PARTS).join(',')}`);
  process.exit(2);
}

const started = performance.now();
const before = loadAverage();
console.log(`bench${smoke ? ' smoke' : ''}: ${chosen.join(', ')}; load average before: ${before}`);
const rows: BenchRow[] = [];
const failed: string[] = [];
for (const name of chosen) {
  console.log(`\n== ${name}`);
  const partStarted = performance.now();
  try {
    rows.push(...(await PARTS[name]!()));
    console.log(`(${name}: ${((performance.now() - partStarted) / 1000).toFixed(0)} s)`);
  } catch (err) {
    console.error(`${name} FAILED:`, err);
    failed.push(name);
    rows.push({ name: `${name}: FAILED`, gatehouse: String(err instanceof Error ? err.message : err).slice(0, 80), baseline: '', ratio: null, target: '', met: false, failed: true });
  }
}

console.log(`\n== every figure against its baseline (load average before: ${before}, after: ${loadAverage()}; ${((performance.now() - started) / 1000).toFixed(0)} s)`);
const unmet = printRows(rows, !smoke);
if (failed.length) console.log(`FAILED: ${failed.join(', ')}`);
else if (smoke) console.log('smoke: every part answered correctly (figures from so little load mean nothing)');
else console.log(unmet ? `${unmet} figure(s) miss their target` : 'every figure meets its target');
process.exit(failed.length || (!smoke && unmet) ? 1 : 0); // autocannon's agents may hold the loop open
