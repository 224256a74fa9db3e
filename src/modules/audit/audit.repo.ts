// The realm's audit log: append-only.
import type { Db } from '../../db/types.js';
import type { SqlPool } from '../../db/prisma.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { auditEventId } from './audit-event-id.js';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  data?: Prisma.InputJsonValue;
}

// createdAt given, in UTC as Prisma writes it: the column's default (CURRENT_TIMESTAMP) would be the
// database session's local time.
const APPEND = `INSERT INTO "AuditEvent" ("id", "realmId", "actor", "action", "target", "ip", "userAgent", "requestId", "data", "createdAt")
  VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::timestamp(3))`;

/**
 * `sql`: the pool under Prisma, for appends outside a transaction (a sign-in's login event,
 * written before its answer: src/db/sql-rows.ts); inside one they go through Prisma with the rest.
 */
export function createAuditRepo(db: Db, realmId: string, sql?: SqlPool) {
  return {
    append: async (entry: AuditEntry): Promise<void> => {
      if (!sql) {
        await db.auditEvent.create({ data: { id: auditEventId(), realmId, ...entry, createdAt: new Date() } });
        return;
      }
      const { actor, action, target = null, ip = null, userAgent = null, requestId = null, data = {} } = entry;
      await sql.query(APPEND, [auditEventId(), realmId, actor, action, target, ip, userAgent, requestId, JSON.stringify(data), new Date().toISOString()]);
    },
    /** Events by or about one user among `actions`, newest first (the account page's security activity). */
    forUser: (userId: string, actions: readonly string[], take: number) =>
      db.auditEvent.findMany({ where: { realmId, action: { in: [...actions] }, OR: [{ target: `user:${userId}` }, { actor: `user:${userId}` }] }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take }),
    list: ({ take, action }: { take: number; action?: string }) =>
      db.auditEvent.findMany({ where: { realmId, ...(action ? { action } : {}) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take }),
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
