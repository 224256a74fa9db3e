// Gatehouse as npm start runs it, for the bench: a fresh database (DATABASE_URL's server, else an
// embedded PostgreSQL), Redis when REDIS_URL is set, the durable audit spool, request logs at the
// default level (info) written synchronously to a file as to stdout in production, and the token
// rate limits in place (counting on every request) with limits too high to refuse the load.
// One realm, one API resource (ES256 JWT access tokens) and one service app given access to it.
// See servers/announce.ts.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { findFreePort } from '../../src/db/ports.js';
import { createLogger } from '../../src/observability/logger.js';
import { startGatehouse } from '../../src/server.js';
import { createTestDatabase } from '../../test/support/database.js';
import { announce } from './announce.js';

const RESOURCE = 'https://api.bench.example';
const SCOPE = 'read';
const actor = { actor: 'bench' };

const db = await createTestDatabase();
const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
const port = await findFreePort();
const logFile = pino.destination({ dest: join(dataDir, 'gatehouse.log'), sync: true });
const gh = await startGatehouse(
  {
    NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL,
    DATA_DIR: dataDir, MASTER_KEY: randomBytes(32).toString('base64'), DEMO: 'false',
    RATE_LIMIT_TOKEN_PER_IP: '100000000', RATE_LIMIT_TOKEN_PER_CLIENT: '100000000',
  },
  { logger: createLogger('info', logFile) },
);
const realm = await gh.services.realms.create({ name: 'bench' }, null, actor);
const scoped = gh.services.forRealm(realm);
await scoped.apiResources.create({ identifier: RESOURCE, name: 'Bench API', scopes: [SCOPE] }, actor);
const { app, clientSecret } = await scoped.apps.create({ name: 'Bench worker', type: 'service', redirectUris: [], postLogoutRedirectUris: [], apiAccess: [{ resource: RESOURCE, scopes: [SCOPE] }] }, actor);

const issuer = `${gh.url}/realms/${realm.name}`;
announce(
  { tokenUrl: `${issuer}/token`, introspectionUrl: `${issuer}/token/introspection`, clientId: app.clientId, clientSecret: clientSecret!, resource: RESOURCE, scope: SCOPE },
  async () => {
    await gh.close();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  },
);
