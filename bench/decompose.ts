// Where the token endpoint's time goes: the client_credentials load of npm run bench against a
// bare oidc-provider, then that provider behind Gatehouse's layers (each built from Gatehouse's
// own module) added one at a time, then the whole Gatehouse. Every run is a process of its own:
// V8's inline caches are per process, and variants whose request objects have different shapes
// slow each other down when measured in one. Reports throughput and CPU time per request (the
// process's, load generator included), each as the median over rounds; "vs bare" is the median
// of each round's ratio to that round's bare run, which cancels some of a noisy machine's drift.
// Usage: npm run bench:decompose [-- --seconds 5 --connections 16 --rounds 3] (about 5 minutes)
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';
import type { SqlPool } from '../src/db/prisma.js';
import { createAppServer } from '../src/http/app-server.js';
import { requestContext } from '../src/http/request-context.js';
import { securityHeaders } from '../src/http/security-headers.js';
import type { Views } from '../src/http/views.js';
import { openAuditWriter } from '../src/modules/audit/audit-writer.js';
import { createLogger } from '../src/observability/logger.js';
import { endpointGuard } from '../src/oidc/endpoints.js';
import { attachProviderEvents } from '../src/oidc/provider-events.js';
import { enforceClientSecretAuth } from '../src/oidc/client-auth.js';
import type { RealmProvider } from '../src/oidc/provider-factory.js';
import { createTokenRateLimits } from '../src/oidc/token-rate-limit.js';
import type { ProviderPool } from '../src/realms/provider-pool.js';
import { realmOf, resolveRealm } from '../src/realms/realm-resolver.js';
import { sha256 } from '../src/security/tokens.js';
import { createArtifactProtector } from '../src/stores/artifact-protection.js';
import { createAdapterFactory } from '../src/stores/oidc-adapter.js';
import { createMemoryStores } from '../src/stores/stores.js';
import { measureGatehouse, tokenRequest } from './support.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '16' }, rounds: { type: 'string', default: '3' }, step: { type: 'string' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const logger = createLogger('warn');
const noViews = { send: () => { throw new Error('no views in the benchmark'); } } as unknown as Views;
const limits = { tokenPerIp: 1e8, tokenPerClient: 1e8 } as Parameters<typeof createTokenRateLimits>[1];

async function load(url: string, clientId: string, secret: string) {
  const opts = tokenRequest(url, clientId, secret, Number(values.connections));
  await autocannon({ ...opts, duration: 1 }); // warm-up (JIT, caches)
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({ ...opts, duration: seconds });
  const cpu = process.cpuUsage(cpuBefore);
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result['2xx'] / seconds, cpuPerRequest: (cpu.user + cpu.system) / result['2xx'] };
}

async function listen(server: Server) {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Layers {
  /** Express as `app.listen` serves it: every req/res gets its prototype swapped (src/http/app-server.ts). */
  expressSwapping?: boolean;
  express?: boolean; helmet?: boolean; requestContext?: boolean; resolveRealm?: boolean; tokenRateLimit?: boolean;
  endpointGuard?: boolean; artifactStore?: boolean; hashedSecret?: boolean; auditEvents?: boolean;
}

/** oidc-provider with the chosen Gatehouse layers, each built from Gatehouse's own module. */
async function layered(layers: Layers) {
  const stores = createMemoryStores({ logger });
  const realmId = '00000000-0000-4000-8000-000000000001';
  const secret = 'bench-secret';
  // The issuer's origin plays no part in a client_credentials grant with opaque tokens.
  const provider = new Provider('http://127.0.0.1/realms/bench', {
    clients: [{ client_id: 'bench', client_secret: layers.hashedSecret ? sha256(secret) : secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    ttl: { ClientCredentials: 900 },
    ...(layers.artifactStore ? { adapter: createAdapterFactory(stores.artifacts, realmId, createArtifactProtector(randomBytes(32))) } : {}),
  });
  if (layers.hashedSecret) enforceClientSecretAuth(provider);
  const tokenLimits = createTokenRateLimits(stores, limits);
  if (layers.tokenRateLimit) tokenLimits.attachPerClient(provider, 'bench');
  const audit = await openAuditWriter({ query: async () => ({ rowCount: 0 }) } as unknown as SqlPool, logger);
  if (layers.auditEvents) attachProviderEvents(provider, realmId, audit, logger);
  const realmProvider = { provider, handler: provider.callback(), scope: { realm: { name: 'bench' } } } as unknown as RealmProvider;
  let server = createServer(realmProvider.handler);
  const mounted = layers.express || layers.expressSwapping;
  if (mounted) {
    const app = express();
    app.disable('x-powered-by');
    // As in src/app.ts.
    if (layers.helmet) app.use(securityHeaders({ contentSecurityPolicy: false, crossOriginResourcePolicy: false, xPoweredBy: false }));
    if (layers.requestContext) app.use(requestContext(app, logger).middleware);
    const realm = express.Router({ mergeParams: true });
    const pool = { get: async () => realmProvider, peek: () => realmProvider } as unknown as ProviderPool;
    if (layers.resolveRealm) realm.use(resolveRealm(pool, noViews));
    else realm.use(((_req, res, next) => { res.locals.realm = realmProvider; next(); }) as RequestHandler);
    if (layers.tokenRateLimit) realm.post('/token', tokenLimits.perIp);
    if (layers.endpointGuard) realm.use(endpointGuard(noViews));
    realm.use((req, res) => realmOf(res).handler(req, res));
    app.use('/realms/:realm', realm);
    server = layers.express ? createAppServer(app) : createServer(app);
  }
  const origin = await listen(server);
  try {
    // Bare, the provider serves its routes at the server's root; mounted, under /realms/bench.
    return await load(`${origin}${mounted ? '/realms/bench' : ''}/token`, 'bench', secret);
  } finally {
    server.close();
    await audit.close();
  }
}

const wholeGatehouse = (logLevel = 'warn') => measureGatehouse(logLevel, load);

type Measured = Awaited<ReturnType<typeof load>>;
// Each step: [name, run, the step it adds to]. "whole Gatehouse" is what npm run bench measures.
const steps: Array<[string, () => Promise<Measured>, number]> = [
  ['bare oidc-provider on node:http', () => layered({}), 0],
  ['Express + /realms/:realm router, app.listen', () => layered({ expressSwapping: true }), 0],
];
const cumulative: Layers = {};
for (const [name, layer] of [
  ['Express + /realms/:realm router, createAppServer', 'express'], ['+ security headers (helmet\'s, precomputed)', 'helmet'], ['+ requestContext', 'requestContext'],
  ['+ resolveRealm (pool hit)', 'resolveRealm'], ['+ tokenRateLimit (memory)', 'tokenRateLimit'], ['+ endpointGuard', 'endpointGuard'],
  ['+ artifact store adapter (memory)', 'artifactStore'], ['+ hashed client secret', 'hashedSecret'], ['+ audit events (no database)', 'auditEvents'],
] as const) {
  cumulative[layer] = true;
  const these = { ...cumulative };
  steps.push([name, () => layered(these), layer === 'express' ? 0 : steps.length - 1]);
}
steps.push(['whole Gatehouse (LOG_LEVEL=warn, as npm run bench)', () => wholeGatehouse(), steps.length - 1]);
steps.push(['whole Gatehouse, LOG_LEVEL=info (request log)', () => wholeGatehouse('info'), steps.length - 1]);

if (values.step !== undefined) {
  console.log(JSON.stringify(await steps[Number(values.step)]![1]()));
  process.exit(0);
}

const runStep = (index: number): Measured => {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--step', String(index), '--seconds', String(seconds), '--connections', values.connections];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measured;
};
const runs = steps.map(() => [] as Measured[]);
for (let round = 0; round < rounds; round++) steps.forEach((_, i) => runs[i]!.push(runStep(i)));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpu = runs.map((r) => median(r.map((m) => m.cpuPerRequest)));
const table: Record<string, object> = {};
steps.forEach(([name, , base], i) => {
  const rps = runs[i]!.map((m) => m.rps);
  table[name] = {
    'rps (runs)': rps.map(Math.round).join(' / '),
    'vs bare': median(rps.map((r, round) => r / runs[0]![round]!.rps)).toFixed(2),
    'CPU µs/req': Math.round(cpu[i]!),
    'added vs step': i ? `${Math.round(cpu[i]! - cpu[base]!)} vs ${base}` : '',
  };
});
console.log(`client_credentials, ${values.connections} connections, ${seconds} s per run, ${rounds} rounds, one process per run`);
console.table(table);
