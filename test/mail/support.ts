// Helpers for the mail tests: queue a message the way a feature does (in a realm transaction,
// through the running instance's services) and wait for the worker to record its outcome.
import type { MailRequest, MailTemplate } from '../../src/modules/mail/mail-outbox.js';
import type { RealmRecord } from '../../src/realms/realm-scope.js';
import type { Gatehouse } from '../../src/server.js';

export function enqueueMail<T extends MailTemplate>(gh: Gatehouse, realm: RealmRecord, message: MailRequest<T>): Promise<string> {
  const { scope } = gh.services.forRealm(realm);
  return scope.inTransaction((tx) => gh.services.mailOutbox.enqueue(tx, message));
}

export const outboxRow = (gh: Gatehouse, id: string) => gh.prisma.mailMessage.findUniqueOrThrow({ where: { id } });

/** Polls the outbox row until its status is `status` (bounded). */
export async function waitForStatus(gh: Gatehouse, id: string, status: 'sent' | 'retrying' | 'failed', timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await outboxRow(gh, id);
    if (row.status === status) return row;
    if (Date.now() > deadline) throw new Error(`mail ${id} is ${row.status} (attempts ${row.attempts}), not ${status}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sampleLink = (gh: Gatehouse, realm: string, path: string) => `${gh.config.baseUrl}/realms/${realm}/${path}?token=tok_${Math.random().toString(36).slice(2)}`;
