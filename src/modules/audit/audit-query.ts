// Reading a realm's audit trail: newest first, filtered, in pages. The cursor is opaque to
// callers: base64url of the last event's (createdAt, id), so a page boundary is stable while new
// events arrive (keyset pagination: each page is one index range read, no OFFSET, no COUNT).
import type { Db } from '../../db/types.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { problems } from '../../http/problem.js';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeAuditCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

/** The (createdAt, id) a cursor stands for; a 400 naming `cursor` for anything else. */
export function decodeAuditCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof at === 'string' && typeof id === 'string' && UUID.test(id) && !Number.isNaN(createdAt.getTime())) return { createdAt, id };
  } catch {
    // fall through
  }
  throw problems.validation([{ path: 'cursor', code: 'invalid_cursor', message: 'is not a cursor this API returned' }]);
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
      if (filter.cursor) {
        const c = decodeAuditCursor(filter.cursor);
        // Strictly after the cursor in (createdAt desc, id desc) order.
        and.push({ OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] });
      }
      const rows = await db.auditEvent.findMany({ where: { AND: and }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: filter.limit + 1 });
      const page = rows.slice(0, filter.limit);
      const last = page.at(-1);
      return { events: page.map(toAuditEventView), ...(rows.length > filter.limit && last ? { nextCursor: encodeAuditCursor(last.createdAt, last.id) } : {}) };
    },
  };
}

export type AuditQuery = ReturnType<typeof createAuditQuery>;
