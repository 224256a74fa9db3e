// Starts a whole Gatehouse: database (embedded when DATABASE_URL is unset), migrations, stores
// (Redis when REDIS_URL is set), services, HTTP server. Used by `npm start` and by the tests.
import type { Server } from 'node:http';
import { join } from 'node:path';
import { buildConfig, parseEnv, type Config } from './config/config.js';
import { resolveMasterKey } from './config/secrets.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import { applyMigrations } from './db/migrations/apply.js';
import { createPrisma } from './db/prisma.js';
import { createApp } from './app.js';
import { createAppServer } from './http/app-server.js';
import { createViews } from './http/views.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createPasswordHasher } from './security/passwords.js';
import { createServices, type Services } from './services.js';
import { createMemoryStores, createRedisStores, type Stores } from './stores/stores.js';
import { seedDemo } from './demo/demo.seed.js';
import { openAuditWriter, type AuditWriter } from './modules/audit/audit-writer.js';
import { createGracefulClose } from './graceful-close.js';
import type { PrismaClient } from './db/types.js';
import type { ProviderPool } from './realms/provider-pool.js';
import { startMailWorker } from './modules/mail/mail-worker.js';

export interface Gatehouse {
  config: Readonly<Config>;
  url: string;
  logger: Logger;
  prisma: PrismaClient;
  stores: Stores;
  services: Services;
  pool: ProviderPool;
  auditWriter: AuditWriter;
  close(): Promise<void>;
}

/** Database, config and services without HTTP: what the CLI needs. */
export async function openRuntime(source: Record<string, string | undefined>, logger?: Logger) {
  const env = parseEnv(source);
  const config = buildConfig(env, await resolveMasterKey(env));
  const log = logger ?? createLogger(config.logLevel);
  const cleanups: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir: join(config.dataDir, 'postgres'), log: (m) => log.debug(m) });
      cleanups.unshift(() => embedded.stop());
      databaseUrl = embedded.url;
      log.info('using the embedded PostgreSQL in %s (set DATABASE_URL to use your own)', join(config.dataDir, 'postgres'));
    }
    if (config.migrateOnStart) {
      const { applied } = await applyMigrations(databaseUrl, { log: (m) => log.debug(m) });
      if (applied.length) log.info({ applied }, 'applied database migrations');
    }
    const db = createPrisma(databaseUrl, { database: config.database, onIdleError: (err) => log.warn({ err }, 'database connection lost; reconnecting on next query') });
    cleanups.unshift(() => db.close());
    const stores = config.redisUrl ? await createRedisStores(config.redisUrl, { logger: log, artifacts: config.artifacts }) : createMemoryStores({ logger: log, artifacts: config.artifacts });
    cleanups.unshift(() => stores.close());
    if (stores.kind === 'memory') log.warn('REDIS_URL is not set: sessions, tokens and rate limits are kept in memory; run a single instance only');
    const passwords = createPasswordHasher(config.argon2);
    const services = createServices({ config, prisma: db.prisma, events: stores.events, passwords, stores, logger: log });
    const close = async () => {
      for (const c of cleanups) await c().catch((err: unknown) => log.error({ err }, 'error during shutdown'));
    };
    return { config, logger: log, prisma: db.prisma, stores, passwords, services, databaseUrl, close };
  } catch (err) {
    for (const c of cleanups) await c().catch(() => undefined);
    throw err;
  }
}

export interface StartOptions {
  logger?: Logger;
  /** How long close() lets requests in flight finish before cutting them off (default 10 s). */
  shutdownGraceMs?: number;
}

export async function startGatehouse(source: Record<string, string | undefined>, opts: StartOptions = {}): Promise<Gatehouse> {
  const runtime = await openRuntime(source, opts.logger);
  const { config, logger, prisma, stores, services, passwords } = runtime;
  try {
    await services.realms.ensureAdminRealm();
    if (config.demo) await seedDemo({ config, services, logger });
    const views = createViews(config.env === 'production');
    const auditWriter = await openAuditWriter(prisma, logger, { spoolDir: config.auditSpoolDir });
    const { app, pool } = createApp({ config, prisma, stores, logger, views, passwords, services, auditWriter });
    const server: Server = await new Promise((resolve, reject) => {
      const s = createAppServer(app).listen(config.port, config.host, () => resolve(s));
      s.once('error', reject);
    });
    const closeServer = createGracefulClose(server, (open) => logger.warn({ open }, 'shutdown grace period over: cut off %d requests in flight', open));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.port === 0 ? `http://127.0.0.1:${port}` : config.baseUrl;
    const mailWorker = startMailWorker({ config, prisma, logger });
    services.signingKeyPool.start();
    return {
      config, url, logger, prisma, stores, services, pool, auditWriter,
      async close() {
        // Requests first: they still need the database, the stores and the audit writer.
        services.signingKeyPool.close();
        await Promise.all([mailWorker.close(), closeServer(opts.shutdownGraceMs)]);
        // Account work of answered requests (after-answer.ts) still needs the database.
        await services.afterAnswer.drain();
        await auditWriter.close();
        await runtime.close();
      },
    };
  } catch (err) {
    await runtime.close();
    throw err;
  }
}
