// The outbox seen from the mail worker: every realm's due rows. Unlike mail.repo.ts (one realm,
// what callers write), this is infrastructure: only the worker and the development outbox page
// read across realms, and they only ever act on a row by the id they claimed or listed.
import type { PrismaClient } from '../../db/types.js';

export interface ClaimedMail {
  id: string;
  realmId: string;
  to: string;
  template: string;
  sealedData: string | null;
  /** This attempt's number (1 for the first). */
  attempts: number;
  realmName: string;
  realmDisplayName: string;
  realmSettings: unknown;
}

export function createMailQueueRepo(prisma: PrismaClient) {
  return {
    /**
     * Claims up to `limit` due rows for `leaseMs`: one statement, so the row locks are held for
     * its duration only. SKIP LOCKED lets instances claim disjoint rows without waiting on each
     * other; pushing nextAttemptAt past the lease is the claim itself, so a process that dies
     * mid-send leaves the row to be retried once the lease ends (at-least-once, never lost).
     * The attempt is counted at claim time: a message that crashes its sender still runs out.
     */
    claimDue: (limit: number, leaseMs: number) => prisma.$queryRaw<ClaimedMail[]>`
      WITH due AS (
        SELECT id FROM "MailMessage"
        WHERE status IN ('queued', 'retrying') AND "nextAttemptAt" <= now()
        ORDER BY "nextAttemptAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "MailMessage" m
      SET "nextAttemptAt" = now() + make_interval(secs => ${leaseMs / 1000}::double precision), attempts = m.attempts + 1
      FROM due, "Realm" r
      WHERE m.id = due.id AND r.id = m."realmId"
      RETURNING m.id, m."realmId", m."to", m.template, m."sealedData", m.attempts,
        r.name AS "realmName", r."displayName" AS "realmDisplayName", r.settings AS "realmSettings"`,

    /** Sent: the sealed data (single-use links) is erased, only the delivery record stays. */
    markSent: (id: string) =>
      prisma.mailMessage.updateMany({ where: { id, status: { in: ['queued', 'retrying'] } }, data: { status: 'sent', sentAt: new Date(), sealedData: null, lastError: null } }),

    markRetry: (id: string, nextAttemptAt: Date, lastError: string) =>
      prisma.mailMessage.updateMany({ where: { id, status: { in: ['queued', 'retrying'] } }, data: { status: 'retrying', nextAttemptAt, lastError } }),

    /** Given up: erased like a sent one; the record says why. */
    markFailed: (id: string, lastError: string) =>
      prisma.mailMessage.updateMany({ where: { id, status: { in: ['queued', 'retrying'] } }, data: { status: 'failed', sealedData: null, lastError } }),

    /** The development outbox list: newest first, with each row's realm. */
    listRecent: (take: number) =>
      prisma.mailMessage.findMany({
        orderBy: { createdAt: 'desc' },
        take,
        select: { id: true, to: true, template: true, status: true, attempts: true, createdAt: true, sentAt: true, lastError: true, realm: { select: { name: true, displayName: true } } },
      }),

    findById: (id: string) =>
      prisma.mailMessage.findUnique({
        where: { id },
        select: { id: true, to: true, template: true, status: true, attempts: true, createdAt: true, sentAt: true, lastError: true, realm: { select: { name: true, displayName: true } } },
      }),
  };
}

export type MailQueueRepo = ReturnType<typeof createMailQueueRepo>;
