// Gatehouse as npm start runs it, for the bench: a fresh database (DATABASE_URL's server, else an
// embedded PostgreSQL), Redis when REDIS_URL is set, the durable audit spool, request logs at the
// default level (info) written synchronously to a file as to stdout in production, and the token
// rate limits in place (counting on every request) with limits too high to refuse the load.
// One realm, one API resource (ES256 JWT access tokens) and one service app given access to it.
// With BENCH_SIGN_IN_USERS=N (hosted-sign-in.ts), also a first-party web app and N users sharing
// one password (seeded in bulk: one hash made through the users service, copied to the others,
// so seeding costs one argon2id hash), with the login throttle and lockout out of the way.
// See servers/announce.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { findFreePort } from '../../src/db/ports.js';
import { createLogger } from '../../src/observability/logger.js';
import { startGatehouse } from '../../src/server.js';
import { createTestDatabase } from '../../test/support/database.js';
import { SIGN_IN_LIMITS_OFF } from '../support.js';
import { announce, type SignInTarget } from './announce.js';

const RESOURCE = 'https://api.bench.example';
const SCOPE = 'read';
const actor = { actor: 'bench' };
const signInUsers = Number(process.env.BENCH_SIGN_IN_USERS ?? 0);
const REDIRECT_URI = 'http://localhost:8080/cb';

const db = await createTestDatabase();
const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
const port = await findFreePort();
const logFile = pino.destination({ dest: join(dataDir, 'gatehouse.log'), sync: true });
const gh = await startGatehouse(
  {
    NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL,
    DATA_DIR: dataDir, MASTER_KEY: randomBytes(32).toString('base64'), DEMO: 'false',
    RATE_LIMIT_TOKEN_PER_IP: '100000000', RATE_LIMIT_TOKEN_PER_CLIENT: '100000000', ...(signInUsers ? SIGN_IN_LIMITS_OFF : {}),
  },
  { logger: createLogger('info', logFile) },
);
const realm = await gh.services.realms.create({ name: 'bench' }, null, actor);
const scoped = gh.services.forRealm(realm);
await scoped.apiResources.create({ identifier: RESOURCE, name: 'Bench API', scopes: [SCOPE] }, actor);
const { app, clientSecret } = await scoped.apps.create({ name: 'Bench worker', type: 'service', redirectUris: [], postLogoutRedirectUris: [], apiAccess: [{ resource: RESOURCE, scopes: [SCOPE] }] }, actor);

const issuer = `${gh.url}/realms/${realm.name}`;

async function signInTarget(count: number): Promise<SignInTarget> {
  const web = await scoped.apps.create({ name: 'Bench web app', type: 'web', firstParty: true, redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] }, actor);
  const password = randomBytes(12).toString('base64url');
  const first = await scoped.users.create({ email: 'bench-0@example.com', password, name: 'Bench User', emailVerified: true }, actor);
  const { hash } = await gh.prisma.passwordCredential.findUniqueOrThrow({ where: { userId: first.id } });
  const rest = Array.from({ length: count - 1 }, (_, i) => ({ id: randomUUID(), realmId: realm.id, email: `bench-${i + 1}@example.com`, emailVerified: true, name: 'Bench User' }));
  await gh.prisma.user.createMany({ data: rest });
  await gh.prisma.passwordCredential.createMany({ data: rest.map((u) => ({ userId: u.id, realmId: realm.id, hash })) });
  return {
    origin: gh.url, authorizeUrl: `${issuer}/authorize`, tokenUrl: `${issuer}/token`, clientId: web.app.clientId, clientSecret: web.clientSecret!,
    redirectUri: REDIRECT_URI, emails: [first.email, ...rest.map((u) => u.email)], password, argon2: gh.config.argon2,
  };
}

announce(
  {
    tokenUrl: `${issuer}/token`, introspectionUrl: `${issuer}/token/introspection`, clientId: app.clientId, clientSecret: clientSecret!, resource: RESOURCE, scope: SCOPE,
    ...(signInUsers ? { signIn: await signInTarget(signInUsers) } : {}),
  },
  async () => {
    await gh.close();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  },
);
