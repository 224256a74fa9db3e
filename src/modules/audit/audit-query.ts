// Reading a realm's audit trail: newest first, filtered, in pages. The cursor is opaque to
// callers: the last event's (createdAt, id) (src/http/pagination.ts), so a page boundary is
// stable while new events arrive; each page is one range read of the (realmId, createdAt) index.
import type { Db } from '../../db/types.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { decodeTimeCursor, olderThan, timeCursorOf, toPage } from '../../http/pagination.js';

export interface AuditEventView {
  id: string;
  createdAt: string;
  /** `user:<id>`, `app:<client_id>`, `api-key:<prefix>`, `cli`, `system`, or `anonymous`. */
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** The event's details (never a secret: writers put none there). */
  data: unknown;
}

export interface AuditFilter {
  /** Exact action, or a prefix ending in `.` (`login.` matches `login.succeeded`, `login.failed`). */
  action?: string;
  actor?: string;
  target?: string;
  /** Inclusive lower bound on createdAt. */
  since?: Date;
  /** Exclusive upper bound on createdAt. */
  until?: Date;
  cursor?: string;
  limit: number;
}

export interface AuditPage {
  events: AuditEventView[];
  /** Present only when more events match. */
  nextCursor?: string;
}

export function toAuditEventView(e: { id: string; createdAt: Date; actor: string; action: string; target: string | null; ip: string | null; userAgent: string | null; requestId: string | null; data: unknown }): AuditEventView {
  return { id: e.id, createdAt: e.createdAt.toISOString(), actor: e.actor, action: e.action, target: e.target, ip: e.ip, userAgent: e.userAgent, requestId: e.requestId, data: e.data };
}

export function createAuditQuery(db: Db) {
  return {
    async list(realmId: string, filter: AuditFilter): Promise<AuditPage> {
      const and: Prisma.AuditEventWhereInput[] = [{ realmId }];
      if (filter.action) and.push({ action: filter.action.endsWith('.') ? { startsWith: filter.action } : filter.action });
      if (filter.actor) and.push({ actor: filter.actor });
      if (filter.target) and.push({ target: filter.target });
      if (filter.since) and.push({ createdAt: { gte: filter.since } });
      if (filter.until) and.push({ createdAt: { lt: filter.until } });
      if (filter.cursor) and.push(olderThan(decodeTimeCursor(filter.cursor)));
      const rows = await db.auditEvent.findMany({ where: { AND: and }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: filter.limit + 1 });
      const page = toPage(rows, filter.limit, timeCursorOf, toAuditEventView);
      return { events: page.data, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
  };
}

export type AuditQuery = ReturnType<typeof createAuditQuery>;
