// Database, config, stores and services without HTTP: what the server (server.ts) and the CLI
// share. Start-up time: the embedded PostgreSQL is a child process that starts on the other
// core, so it is started first and the modules of the database client, the stores and the
// services load meanwhile (dynamic imports below), instead of one after the other.
import { join } from 'node:path';
import { buildConfig, parseEnv } from './config/config.js';
import { resolveMasterKey } from './config/secrets.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import { createLogger, type Logger } from './observability/logger.js';

const loadModules = (migrate: boolean) =>
  Promise.all([
    import('./db/prisma.js'),
    import('./stores/stores.js'),
    import('./security/passwords.js'),
    import('./services.js'),
    migrate ? import('./db/migrations/apply.js') : undefined,
  ]);

export async function openRuntime(source: Record<string, string | undefined>, logger?: Logger) {
  const env = parseEnv(source);
  const config = buildConfig(env, await resolveMasterKey(env));
  const log = logger ?? createLogger(config.logLevel);
  const cleanups: Array<() => Promise<void>> = [];
  const embedded = config.databaseUrl ? undefined : startEmbeddedPostgres({ dataDir: join(config.dataDir, 'postgres'), log: (m) => log.debug(m) });
  const modules = loadModules(config.migrateOnStart);
  // Awaited below; a failed database start must not leave this rejection unhandled meanwhile.
  modules.catch(() => undefined);
  // While the embedded PostgreSQL starts, the main thread would wait: load the query compiler.
  // Best effort: if it fails, the first query loads it (and reports what is wrong).
  const preloaded = embedded ? modules.then(([{ preloadQueryCompiler }]) => preloadQueryCompiler()).catch(() => undefined) : undefined;
  try {
    let databaseUrl: string;
    if (embedded) {
      const started = await embedded;
      cleanups.unshift(() => started.stop());
      databaseUrl = started.url;
      log.info('using the embedded PostgreSQL in %s (set DATABASE_URL to use your own)', join(config.dataDir, 'postgres'));
    } else databaseUrl = config.databaseUrl!;
    const [{ createPrisma, poolSettings }, { createMemoryStores, createRedisStores }, { createPasswordHasher }, { createServices }, migrations] = await modules;
    await preloaded;
    if (migrations) {
      const { applied } = await migrations.applyMigrations(databaseUrl, { log: (m) => log.debug(m) });
      if (applied.length) log.info({ applied }, 'applied database migrations');
    }
    const db = createPrisma(databaseUrl, { database: config.database, onIdleError: (err) => log.warn({ err }, 'database connection lost; reconnecting on next query') });
    cleanups.unshift(() => db.close());
    const database = { connectionString: poolSettings(databaseUrl).connectionString, sql: db.sql, connectTimeoutMs: config.database.connectTimeoutMs };
    const stores = config.redisUrl ? await createRedisStores(config.redisUrl, { logger: log, artifacts: config.artifacts }) : createMemoryStores({ logger: log, artifacts: config.artifacts, database });
    cleanups.unshift(() => stores.close());
    if (stores.kind === 'memory') log.warn('REDIS_URL is not set: sessions, tokens and rate limits are kept in memory; run a single instance only');
    const passwords = createPasswordHasher(config.argon2);
    const services = createServices({ config, prisma: db.prisma, sql: db.sql, events: stores.events, passwords, stores, logger: log });
    const close = async () => {
      for (const c of cleanups) await c().catch((err: unknown) => log.error({ err }, 'error during shutdown'));
    };
    return { config, logger: log, prisma: db.prisma, sql: db.sql, stores, passwords, services, databaseUrl, close };
  } catch (err) {
    // What was opened before the failing step (the embedded PostgreSQL among it) is closed again.
    for (const c of cleanups) await c().catch(() => undefined);
    throw err;
  }
}

export type Runtime = Awaited<ReturnType<typeof openRuntime>>;
