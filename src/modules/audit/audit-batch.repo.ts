// The batched audit INSERT. One INSERT ... SELECT FROM unnest(arrays): ten bound parameters
// whatever the batch size (measured, npm run bench: Prisma's createMany here cost more CPU than
// the token grants it recorded), sent through the pool under Prisma (src/db/prisma.ts SqlPool:
// through $executeRawUnsafe, Prisma's work on the ten arrays cost twice the pool's). Idempotent:
// an id already present is skipped (a spool replayed after a crash), and so is an event whose
// realm was deleted meanwhile (its events went with it, ON DELETE CASCADE), so neither can
// block the drain.
import type { SqlPool } from '../../db/prisma.js';
import type { SpooledEvent } from './audit-spool.js';

const INSERT = `INSERT INTO "AuditEvent" ("id", "realmId", "actor", "action", "target", "ip", "userAgent", "requestId", "data", "createdAt")
  SELECT u.* FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::timestamp(3)[])
    AS u("id", "realmId", "actor", "action", "target", "ip", "userAgent", "requestId", "data", "createdAt")
  WHERE EXISTS (SELECT 1 FROM "Realm" r WHERE r."id" = u."realmId")
  ON CONFLICT ("id") DO NOTHING`;

export async function insertAuditBatch(sql: SqlPool, rows: SpooledEvent[]): Promise<void> {
  const col = <T>(f: (r: SpooledEvent) => T) => rows.map(f);
  await sql.query(INSERT, [
    col((r) => r.id), col((r) => r.realmId), col((r) => r.actor), col((r) => r.action), col((r) => r.target),
    col((r) => r.ip), col((r) => r.userAgent), col((r) => r.requestId), col((r) => JSON.stringify(r.data ?? {})), col((r) => r.createdAt),
  ]);
}
