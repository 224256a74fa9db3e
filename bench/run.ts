// Token endpoint throughput: Gatehouse (realm routing, provider pool, rate limiting, audit
// events, hashed client secrets) against a bare oidc-provider with the same grant, measured in
// the same run on the same machine. Reports the ratio, not just absolute numbers (the load
// generator shares the 2 cores). Usage: npm run bench [-- --seconds 10 --connections 16]
//   DATABASE_URL / REDIS_URL are honoured, as for the tests.
import autocannon from 'autocannon';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';
import { findFreePort } from '../src/db/ports.js';
import { buildApp, buildRealm } from '../test/support/builders.js';
import { startTestGatehouse } from '../test/support/gatehouse.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' } } });
const duration = Number(values.seconds);
const connections = Number(values.connections);

async function load(url: string, clientId: string, secret: string) {
  const result = await autocannon({
    url,
    method: 'POST',
    duration,
    connections,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  const ok = result['2xx'];
  return { rps: Math.round(ok / duration), p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

async function baseline() {
  const port = await findFreePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'bench', client_secret: 'bench-secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
  });
  const server = createServer(provider.callback());
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const result = await load(`${issuer}/token`, 'bench', 'bench-secret');
  server.close();
  return result;
}

async function gatehouse() {
  const gh = await startTestGatehouse({ LOG_LEVEL: 'warn', RATE_LIMIT_TOKEN_PER_IP: '100000000' });
  try {
    const realm = await buildRealm(gh);
    const { app, clientSecret } = await buildApp(gh, realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    return await load(`${gh.url}/realms/${realm.name}/token`, app.clientId, clientSecret!);
  } finally {
    await gh.close();
  }
}

console.log(`client_credentials, opaque tokens, ${connections} connections, ${duration} s each; stores: ${process.env.REDIS_URL ? 'Redis' : 'memory'}`);
const base = await baseline();
const ours = await gatehouse();
console.table({ 'bare oidc-provider (memory adapter)': base, gatehouse: ours });
console.log(`gatehouse / baseline throughput: ${(ours.rps / base.rps).toFixed(2)}`);
process.exit(0);
