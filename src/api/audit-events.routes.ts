// /api/v1/realms/{realm}/audit-events: the realm's audit trail, newest first, with filters and
// cursor pagination (src/modules/audit/audit-query.ts).
import type { Router } from 'express';
import { z } from 'zod';
import { pageQueryFields } from '../http/pagination.js';
import { parseOrThrow, text } from '../http/validate.js';
import type { ApiContext } from './api-context.js';
import { needs } from './require-scope.js';

export const auditQuery = z.object({
  ...pageQueryFields,
  /** Exact, or a prefix ending in `.` (`login.`). */
  action: text().min(1).max(200).optional(),
  actor: text().min(1).max(300).optional(),
  target: text().min(1).max(300).optional(),
  since: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  until: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
});

export function auditEventsRoutes(router: Router, { realmServices }: ApiContext): void {
  router.get('/realms/:realm/audit-events', needs('audit:read'), async (req, res) => {
    const query = parseOrThrow(auditQuery, req.query);
    const page = await (await realmServices(req, res)).auditQuery.list(query);
    res.json({ data: page.events, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
  });
}
