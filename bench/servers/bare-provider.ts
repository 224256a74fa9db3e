// The baseline: a bare oidc-provider with the features Gatehouse's token path uses (client
// credentials, resource indicators with ES256 JWT access tokens, introspection) and the same
// kind of artifact storage: oidc-provider's own memory adapter, or with REDIS_URL Gatehouse's
// Redis artifact store (the baseline then pays the same round trips). See servers/announce.ts.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import Provider, { type Configuration } from 'oidc-provider';
import { createArtifactProtector } from '../../src/stores/artifact-protection.js';
import { createAdapterFactory } from '../../src/stores/oidc-adapter.js';
import { createRedisArtifactStore } from '../../src/stores/redis-artifact-store.js';
import { announce } from './announce.js';

const RESOURCE = 'https://api.bench.example';
const SCOPE = 'read';
const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { protocol: 2 }) : undefined;
const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

const server = createServer();
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const provider = new Provider(origin, {
  clients: [{ client_id: 'bench', client_secret: 'bench-secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
  jwks: { keys: [{ ...jwk, kid: 'bench', alg: 'ES256', use: 'sig' }] },
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  scopes: [SCOPE],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) => oneOf,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({ scope: SCOPE, audience: RESOURCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  } as unknown as Configuration['features'],
  ...(redis ? { adapter: createAdapterFactory(createRedisArtifactStore(redis, { prefix: 'gh-bench:' }), randomUUID(), createArtifactProtector(randomBytes(32))) } : {}),
});
server.on('request', provider.callback());

announce(
  { tokenUrl: `${origin}/token`, introspectionUrl: `${origin}/token/introspection`, clientId: 'bench', clientSecret: 'bench-secret', resource: RESOURCE, scope: SCOPE },
  async () => {
    server.close();
    redis?.disconnect();
  },
);
