// Two Gatehouses on one database, both running the mail worker against one SMTP server: each
// queued message is claimed by one of them (FOR UPDATE SKIP LOCKED) and delivered exactly once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildRealm, unique } from '../support/builders.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp.js';
import { enqueueMail, waitForStatus } from './support.js';

let smtp: SmtpCapture;
let first: TestGatehouse;
let second: TestGatehouse;
beforeAll(async () => {
  smtp = await startSmtpCapture();
  // A short interval on both, so they really race for the same rows.
  const env = { SMTP_URL: smtp.url, MAIL_WORKER_INTERVAL_MS: '20' };
  first = await startTestGatehouse(env);
  second = await startTestGatehouse(env, { shareWith: first });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
  await smtp?.stop();
});

it('delivers each of 60 messages once, shared between the two instances', async () => {
  const realm = await buildRealm(first);
  const recipients = Array.from({ length: 60 }, (_, i) => `${unique(`r${i}`)}@example.com`);
  const ids = await Promise.all(
    recipients.map((to, i) => enqueueMail(i % 2 ? first : second, realm, { to, template: 'password-changed', data: { name: `User ${i}` } })),
  );
  for (const id of ids) await waitForStatus(first, id, 'sent');
  for (const to of recipients) await smtp.waitFor(to);
  // Every row is recorded as sent: a second send would have had to claim a sent row.
  await new Promise((r) => setTimeout(r, 300));
  expect(recipients.map((to) => smtp.to(to).length)).toEqual(recipients.map(() => 1));
  const rows = await first.prisma.mailMessage.findMany({ where: { id: { in: ids } } });
  expect(rows.map((r) => [r.status, r.attempts])).toEqual(rows.map(() => ['sent', 1]));
  // Both instances took part (each logs the messages it sent).
  const sentBy = (gh: TestGatehouse) => gh.logLines.filter((l) => l.includes('"mail sent"') && ids.some((id) => l.includes(id))).length;
  expect(sentBy(first) + sentBy(second)).toBe(60);
  expect(sentBy(first)).toBeGreaterThan(0);
  expect(sentBy(second)).toBeGreaterThan(0);
});
