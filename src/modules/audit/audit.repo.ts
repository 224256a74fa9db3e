// The realm's audit log: append-only.
import type { Db } from '../../db/types.js';
import type { Prisma } from '../../generated/prisma/client.js';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  data?: Prisma.InputJsonValue;
}

export function createAuditRepo(db: Db, realmId: string) {
  return {
    append: (entry: AuditEntry) => db.auditEvent.create({ data: { realmId, ...entry } }),
    /** Events by or about one user among `actions`, newest first (the account page's security activity). */
    forUser: (userId: string, actions: readonly string[], take: number) =>
      db.auditEvent.findMany({ where: { realmId, action: { in: [...actions] }, OR: [{ target: `user:${userId}` }, { actor: `user:${userId}` }] }, orderBy: { createdAt: 'desc' }, take }),
    list: ({ take, action }: { take: number; action?: string }) =>
      db.auditEvent.findMany({ where: { realmId, ...(action ? { action } : {}) }, orderBy: { createdAt: 'desc' }, take }),
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
