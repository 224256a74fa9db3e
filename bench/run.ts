// Token endpoint throughput: Gatehouse (realm routing, provider pool, rate limiting, audit
// events, hashed client secrets) against a bare oidc-provider with the same grant, measured in
// the same run on the same machine. Reports the ratio, not just absolute numbers (the load
// generator shares the 2 cores). Usage: npm run bench [-- --seconds 10 --connections 16]
//   DATABASE_URL / REDIS_URL are honoured, as for the tests.
import autocannon from 'autocannon';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import Provider, { type Configuration } from 'oidc-provider';
import { findFreePort } from '../src/db/ports.js';
import { createArtifactProtector } from '../src/stores/artifact-protection.js';
import { createAdapterFactory } from '../src/stores/oidc-adapter.js';
import { createRedisArtifactStore } from '../src/stores/redis-artifact-store.js';
import { measureGatehouse, tokenRequest } from './support.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' } } });
const duration = Number(values.seconds);
const connections = Number(values.connections);

async function load(url: string, clientId: string, secret: string) {
  const result = await autocannon({ ...tokenRequest(url, clientId, secret, connections), duration });
  const ok = result['2xx'];
  return { rps: Math.round(ok / duration), p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

/** A bare provider; `adapter` stores its tokens (oidc-provider's own in-memory adapter by default). */
async function baseline(adapter?: Configuration['adapter']) {
  const port = await findFreePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'bench', client_secret: 'bench-secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    ...(adapter ? { adapter } : {}),
  });
  const server = createServer(provider.callback());
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const result = await load(`${issuer}/token`, 'bench', 'bench-secret');
  server.close();
  return result;
}

/**
 * With REDIS_URL, Gatehouse stores every token in Redis, which the in-memory baseline does not
 * (its adapter keeps only the last 1000 artifacts, in process): the same provider on Gatehouse's
 * own Redis artifact store is the baseline that isolates what Gatehouse adds on top of storage.
 */
async function redisBaseline(url: string) {
  const redis = new Redis(url, { protocol: 2, lazyConnect: true });
  await redis.connect();
  try {
    return await baseline(createAdapterFactory(createRedisArtifactStore(redis, { prefix: 'gh-bench:' }), randomUUID(), createArtifactProtector(randomBytes(32))));
  } finally {
    redis.disconnect();
  }
}

const gatehouse = () => measureGatehouse('warn', load);

const redisUrl = process.env.REDIS_URL;
console.log(`client_credentials, opaque tokens, ${connections} connections, ${duration} s each; stores: ${redisUrl ? 'Redis' : 'memory'}`);
const base = await baseline();
const redisBase = redisUrl ? await redisBaseline(redisUrl) : undefined;
const ours = await gatehouse();
console.table({
  'bare oidc-provider (memory adapter)': base,
  ...(redisBase ? { 'bare oidc-provider (Redis artifact store)': redisBase } : {}),
  gatehouse: ours,
});
console.log(`gatehouse / baseline throughput: ${(ours.rps / base.rps).toFixed(2)}`);
if (redisBase) console.log(`gatehouse / Redis-backed baseline throughput: ${(ours.rps / redisBase.rps).toFixed(2)}`);
process.exit(0);
