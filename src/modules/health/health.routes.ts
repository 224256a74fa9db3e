// Liveness (/healthz: the process answers) and readiness (/readyz: database and Redis reachable).
// /readyz also shows the audit backlog: events spooled and not yet in PostgreSQL (informational:
// a backlog is drained when the database answers, it does not make the instance unready).
// Neither needs Redis to answer: /readyz says `redis: unavailable` with 503 within the store's
// command timeout, and /healthz stays 200 (the process is fine; restarting it would not help).
import { Router } from 'express';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { PrismaClient } from '../../db/types.js';
import type { Stores } from '../../stores/stores.js';

export function healthRoutes({ prisma, stores, auditWriter }: { prisma: PrismaClient; stores: Stores; auditWriter?: AuditWriter }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const check = async (fn: () => Promise<unknown>, { log = true } = {}) => {
      try {
        await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
        return 'ok';
      } catch (err) {
        if (log) req.log.warn({ err }, 'readiness check failed');
        return 'unavailable';
      }
    };
    // A Redis outage is logged once by the stores (src/stores/redis-health.ts), not per probe.
    const redisCheck = stores.kind === 'redis' ? check(() => stores.ping(), { log: false }) : Promise.resolve('not_configured');
    const [database, redis] = await Promise.all([check(() => prisma.$queryRaw`SELECT 1`), redisCheck]);
    const ready = database === 'ok' && redis !== 'unavailable';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { database, redis }, ...(auditWriter ? { audit: auditWriter.backlog() } : {}) });
  });
  return router;
}
