// Starts a whole Gatehouse: database (embedded when DATABASE_URL is unset), migrations, stores
// (Redis when REDIS_URL is set), services (runtime.ts), HTTP server. Used by `npm start` and by
// the tests.
import type { Server } from 'node:http';
import type { Config } from './config/config.js';
import type { PrismaClient } from './db/types.js';
import type { SqlPool } from './db/prisma.js';
import type { AuditWriter } from './modules/audit/audit-writer.js';
import type { Logger } from './observability/logger.js';
import type { ProviderPool } from './realms/provider-pool.js';
import { openRuntime } from './runtime.js';
import type { Services } from './services.js';
import type { Stores } from './stores/stores.js';

/** The HTTP side, loaded while openRuntime starts the database (runtime.ts). */
const loadWeb = () =>
  Promise.all([
    import('./app.js'),
    import('./http/app-server.js'),
    import('./http/views.js'),
    import('./modules/audit/audit-writer.js'),
    import('./modules/mail/mail-worker.js'),
    import('./graceful-close.js'),
  ]);

export interface Gatehouse {
  config: Readonly<Config>;
  url: string;
  logger: Logger;
  prisma: PrismaClient;
  /** The pool under `prisma` (src/db/prisma.ts SqlPool). */
  sql: SqlPool;
  stores: Stores;
  services: Services;
  pool: ProviderPool;
  auditWriter: AuditWriter;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** How long close() lets requests in flight finish before cutting them off (default 10 s). */
  shutdownGraceMs?: number;
}

export async function startGatehouse(source: Record<string, string | undefined>, opts: StartOptions = {}): Promise<Gatehouse> {
  const opening = openRuntime(source, opts.logger);
  const web = loadWeb();
  web.catch(() => undefined); // awaited below, once the runtime is open
  const runtime = await opening;
  const { config, logger, prisma, sql, stores, services, passwords } = runtime;
  let openedAuditWriter: AuditWriter | undefined; // closed again if the start fails after opening it
  try {
    await services.realms.ensureAdminRealm();
    if (config.demo) await (await import('./demo/demo.seed.js')).seedDemo({ config, services, logger });
    const [{ createApp }, { createAppServer }, { createViews }, { openAuditWriter }, { startMailWorker }, { createGracefulClose }] = await web;
    const views = createViews(config.env === 'production');
    const auditWriter = (openedAuditWriter = await openAuditWriter(sql, logger, { spoolDir: config.auditSpoolDir }));
    const { app, front, pool } = createApp({ config, prisma, stores, logger, views, passwords, services, auditWriter });
    const server: Server = await new Promise((resolve, reject) => {
      const s = createAppServer(app, front).listen(config.port, config.host, () => resolve(s));
      s.once('error', reject);
    });
    const closeServer = createGracefulClose(server, (open) => logger.warn({ open }, 'shutdown grace period over: cut off %d requests in flight', open));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.port === 0 ? `http://127.0.0.1:${port}` : config.baseUrl;
    const mailWorker = startMailWorker({ config, prisma, logger });
    services.signingKeyPool.start();
    return {
      config, url, logger, prisma, sql, stores, services, pool, auditWriter,
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
    // A start that failed (the port taken, a seed refused) leaves nothing open: the audit
    // writer holds its spool file, the runtime the database and the stores.
    await openedAuditWriter?.close();
    await runtime.close();
    throw err;
  }
}
