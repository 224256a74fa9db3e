// The mail outbox rows of one realm (schema.prisma MailMessage). Writing a row is all a caller
// does; the mail worker (mail-worker.ts) delivers it. Rows are written inside the caller's
// transaction, so a mail exists exactly when what caused it does.
import type { Db } from '../../db/types.js';

export interface NewMailRow {
  id: string;
  to: string;
  template: string;
  sealedData: string;
}

export function createMailRepo(db: Db, realmId: string) {
  return {
    insert: (row: NewMailRow) => db.mailMessage.create({ data: { realmId, ...row, to: row.to.toLowerCase() } }),
    /** How many messages went to `to` since `since` (the per-address limit). */
    countTo: (to: string, since: Date) => db.mailMessage.count({ where: { realmId, to: to.toLowerCase(), createdAt: { gte: since } } }),
    /** How many messages the realm queued since `since` (the per-realm limit). */
    countSince: (since: Date) => db.mailMessage.count({ where: { realmId, createdAt: { gte: since } } }),
  };
}

export type MailRepo = ReturnType<typeof createMailRepo>;
