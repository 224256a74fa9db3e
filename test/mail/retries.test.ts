// An SMTP outage delays mail and never loses it: refused attempts are recorded as `retrying`
// with backoff, the message goes out exactly once when the server accepts again, and after
// MAIL_MAX_ATTEMPTS a message is `failed`, its sealed data erased and the reason kept without
// the address.
import { describe, expect, it } from 'vitest';
import { buildRealm, unique } from '../support/builders.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { createRealmScope } from '../../src/realms/realm-scope.js';
import { enqueueMail, outboxRow, sampleLink, waitForStatus } from './support.js';

describe('SMTP outage', () => {
  const { gh, smtp } = useGatehouseWithSmtp({ MAIL_RETRY_BASE_MS: '100', MAIL_MAX_ATTEMPTS: '50' });

  it('retries while the server refuses, then delivers exactly once', async () => {
    const realm = await buildRealm(gh());
    const to = `${unique('patient')}@example.com`;
    smtp().refuse();
    const refusedBefore = smtp().refusedCount();
    const id = await enqueueMail(gh(), realm, { to, template: 'magic-link', data: { name: null, link: sampleLink(gh(), realm.name, 'magic-link') } });

    const retrying = await waitForStatus(gh(), id, 'retrying');
    expect(retrying.sealedData).not.toBeNull();
    expect(retrying.lastError).toMatch(/451/);
    expect(retrying.lastError).not.toContain(to);
    // Wait for a second refused attempt: the backoff really retries.
    const deadline = Date.now() + 10_000;
    while (smtp().refusedCount() - refusedBefore < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(smtp().refusedCount() - refusedBefore).toBeGreaterThanOrEqual(2);
    expect(smtp().to(to)).toEqual([]);

    smtp().accept();
    await smtp().waitFor(to);
    const sent = await waitForStatus(gh(), id, 'sent');
    expect(sent).toMatchObject({ sealedData: null, lastError: null });
    expect(sent.attempts).toBeGreaterThanOrEqual(3);
    // Let the worker run several more turns: nothing is sent twice.
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp().to(to)).toHaveLength(1);
    expect(gh().logLines.join('')).not.toContain(to);
  });
});

describe('an instance that died mid-send', () => {
  const { gh, smtp } = useGatehouseWithSmtp();

  it('leaves its claimed message to be sent by another once the lease ends', async () => {
    const realm = await buildRealm(gh());
    const to = `${unique('orphan')}@example.com`;
    // Queued and claimed in one transaction, as a crashed instance leaves it: one attempt
    // counted, leased for a moment (the real lease is minutes).
    const id = await gh().prisma.$transaction(async (tx) => {
      const queued = await gh().services.mailOutbox.enqueue(createRealmScope(tx, realm, true), { to, template: 'password-changed', data: { name: null } });
      await tx.mailMessage.update({ where: { id: queued }, data: { attempts: 1, nextAttemptAt: new Date(Date.now() + 300) } });
      return queued;
    });
    await smtp().waitFor(to);
    expect(await waitForStatus(gh(), id, 'sent')).toMatchObject({ attempts: 2, sealedData: null });
    expect(smtp().to(to)).toHaveLength(1);
  });
});

describe('giving up', () => {
  const { gh, smtp } = useGatehouseWithSmtp({ MAIL_RETRY_BASE_MS: '20', MAIL_MAX_ATTEMPTS: '3' });

  it('marks a message failed after MAIL_MAX_ATTEMPTS refused attempts and erases its data', async () => {
    const realm = await buildRealm(gh());
    const to = `${unique('unlucky')}@example.com`;
    smtp().refuse();
    const id = await enqueueMail(gh(), realm, { to, template: 'reset-password', data: { name: null, link: sampleLink(gh(), realm.name, 'password/reset') } });
    const failed = await waitForStatus(gh(), id, 'failed');
    expect(failed).toMatchObject({ attempts: 3, sealedData: null, sentAt: null, lastError: expect.stringMatching(/451/) });
    expect(failed.lastError).not.toContain(to);
    smtp().accept();
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp().to(to)).toEqual([]);
    expect((await outboxRow(gh(), id)).status).toBe('failed');
  });

  it('fails at once on a permanent (5xx) answer, without retrying', async () => {
    const realm = await buildRealm(gh());
    const to = `${unique('nobody')}@example.com`;
    smtp().reject(to);
    const id = await enqueueMail(gh(), realm, { to, template: 'password-changed', data: { name: null } });
    const failed = await waitForStatus(gh(), id, 'failed');
    expect(failed).toMatchObject({ attempts: 1, sealedData: null, lastError: expect.stringMatching(/550/) });
    expect(failed.lastError).not.toContain(to);
  });
});
