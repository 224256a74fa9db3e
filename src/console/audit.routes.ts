// A realm's audit log in the console: newest first, filtered by action (exact, or a prefix
// ending in "."), actor and time range, a page at a time (the audit query's keyset cursor),
// each event's details. Read through the same audit query as GET /api/v1/realms/{realm}/audit-events.
import { Router } from 'express';
import { attempt, queryParam, type ConsoleKit } from './console-kit.js';
import { ownedOf } from './owned-realm.js';

const PAGE_SIZE = 50;

/** A date or datetime-local value as a Date (UTC), or undefined when empty or not a date. */
const dateOf = (raw: string) => {
  if (!raw) return undefined;
  const d = new Date(/Z|[+-]\d\d:\d\d$/.test(raw) ? raw : `${raw}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

export function auditArea(kit: ConsoleKit): Router {
  const router = Router({ mergeParams: true });
  router.get('/audit', async (req, res) => {
    const { rs, base, realm } = ownedOf(res);
    const filters = { action: queryParam(req, 'action', 100), actor: queryParam(req, 'actor', 200), since: queryParam(req, 'since', 40), until: queryParam(req, 'until', 40) };
    const cursor = queryParam(req, 'cursor', 300);
    const page = await attempt(() => rs.auditQuery.list({
      action: filters.action || undefined, actor: filters.actor || undefined, since: dateOf(filters.since), until: dateOf(filters.until), cursor: cursor || undefined, limit: PAGE_SIZE,
    }));
    const events = page.ok ? page.value.events : [];
    const nextCursor = page.ok ? page.value.nextCursor : undefined;
    const kept = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
    const next = nextCursor ? `${base}/audit?${new URLSearchParams({ ...kept, cursor: nextCursor })}` : undefined;
    kit.page(res, 'audit', { title: `Audit log of ${realm.displayName}`, base, realmLabel: realm.displayName, events, filters, next, errors: page.ok ? [] : page.messages }, page.ok ? 200 : page.status);
  });
  return router;
}
