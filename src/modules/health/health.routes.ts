// Liveness (/healthz: the process answers) and readiness (/readyz: database and Redis reachable).
// /readyz also shows the audit backlog: events spooled and not yet in PostgreSQL (informational:
// a backlog is drained when the database answers, it does not make the instance unready).
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
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
        return 'ok';
      } catch (err) {
        req.log.warn({ err }, 'readiness check failed');
        return 'unavailable';
      }
    };
    const [database, redis] = await Promise.all([check(() => prisma.$queryRaw`SELECT 1`), stores.kind === 'redis' ? check(() => stores.ping()) : Promise.resolve('not_configured')]);
    const ready = database === 'ok' && redis !== 'unavailable';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { database, redis }, ...(auditWriter ? { audit: auditWriter.backlog() } : {}) });
  });
  return router;
}
