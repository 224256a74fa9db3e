// One way to page every list of the management API: `limit` (default 50, at most 200) and an
// opaque `cursor` in; `{ data, nextCursor }` out, with nextCursor only when more rows exist.
// Cursors are keyset positions (the last row's sort key, base64url JSON): each page is one index
// range read, with no OFFSET and no COUNT(*), so page 200 costs what page 1 does.
import { z } from 'zod';
import { problems } from './problem.js';
import { text } from './validate.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

/** The query fields every list accepts; spread into a list's own query schema. */
export const pageQueryFields = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: text().min(1).max(512).optional(),
};

export interface Page<T> {
  data: T[];
  nextCursor?: string;
}

export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The `n` strings a cursor of ours holds; a 400 naming `cursor` for anything else. */
export function decodeCursor(cursor: string, n: number): string[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === n && parts.every((p) => typeof p === 'string' && !p.includes('\u0000'))) return parts as string[];
  } catch {
    // fall through
  }
  throw invalidCursor();
}

export const invalidCursor = () => problems.validation([{ path: 'cursor', code: 'invalid_cursor', message: 'is not a cursor this API returned' }]);

/** `rows` fetched with take = limit + 1: the page, and a cursor when the extra row showed more exist. */
export function toPage<R, T>(rows: R[], limit: number, cursorOf: (row: R) => string[], view: (row: R) => T): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(view), ...(rows.length > limit && last ? { nextCursor: encodeCursor(cursorOf(last)) } : {}) };
}

/** A (createdAt, id) cursor as a Date and an id; a 400 when it is not one. */
export function decodeTimeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = decodeCursor(cursor, 2) as [string, string];
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw invalidCursor();
  return { createdAt, id };
}

/** Prisma `where` for rows strictly after a (createdAt, id) cursor in newest-first order. */
export const olderThan = (c: { createdAt: Date; id: string }) => ({ OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] });
/** Prisma `where` for rows strictly after a (createdAt, id) cursor in oldest-first order. */
export const newerThan = (c: { createdAt: Date; id: string }) => ({ OR: [{ createdAt: { gt: c.createdAt } }, { createdAt: c.createdAt, id: { gt: c.id } }] });
export const timeCursorOf = (row: { createdAt: Date; id: string }) => [row.createdAt.toISOString(), row.id];
