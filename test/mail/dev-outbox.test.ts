// Outside production without SMTP_URL, mail goes to the development outbox: /dev/mail lists it
// and shows each message with clickable links and its HTML body in a sandboxed frame.
import { expect, it } from 'vitest';
import { buildRealm, unique } from '../support/builders.js';
import { createRealmScope } from '../../src/realms/realm-scope.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { useGatehouse } from '../support/gatehouse.js';
import { enqueueMail, sampleLink, waitForStatus } from './support.js';

const gh = useGatehouse({ MAIL_WORKER_INTERVAL_MS: '100' });

it('lists a delivered mail at /dev/mail and shows it with its link clickable and values escaped', async () => {
  const realm = await buildRealm(gh());
  const to = `${unique('newcomer')}@example.com`;
  const link = sampleLink(gh(), realm.name, 'email/verify');
  const id = await enqueueMail(gh(), realm, { to, template: 'verify-email', data: { name: '<b>x</b>', link, code: '424242' } });
  const row = await waitForStatus(gh(), id, 'sent');
  expect(row.sealedData).toBeNull();

  const list = await fetch(`${gh().url}/dev/mail`);
  expect(list.status).toBe(200);
  expect(list.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  const listHtml = await list.text();
  expect(listHtml).toContain(`href="/dev/mail/${id}"`);
  expect(listHtml).toContain(`Verify your email address for ${realm.displayName}`);
  expect(listHtml).toContain(to);
  expect(listHtml).toContain(realm.name);
  expect(listHtml).toContain('sent');

  const page = await fetch(`${gh().url}/dev/mail/${id}`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toMatch(/frame-src 'self'/);
  expect(page.headers.get('content-security-policy')).not.toMatch(/script-src/);
  const html = await page.text();
  expect(html).toContain(`<a href="${link}">${link}</a>`);
  expect(html).toContain('Hello &lt;b&gt;x&lt;/b&gt;,');
  expect(html).not.toContain('<b>x</b>');
  expect(html).toContain('424242');
  expect(html).not.toMatch(/<script|style="/);
  expect(html).toContain(`<iframe src="/dev/mail/${id}/html" sandbox=`);

  const body = await fetch(`${gh().url}/dev/mail/${id}/html`);
  expect(body.status).toBe(200);
  expect(body.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
  const bodyHtml = await body.text();
  expect(bodyHtml).toContain('<base target="_blank">');
  expect(bodyHtml).toContain('Hello &lt;b&gt;x&lt;/b&gt;,');
});

/**
 * Queues a message and alters its row in the same transaction: the mail worker never sees it
 * unaltered (altered after the commit, it could already be delivered: a flake seen in CI).
 */
const enqueueAltered = (realm: Awaited<ReturnType<typeof buildRealm>>, to: string, alter: (row: { id: string; sealedData: string | null }) => Prisma.MailMessageUpdateInput) =>
  gh().prisma.$transaction(async (tx) => {
    const queued = await gh().services.mailOutbox.enqueue(createRealmScope(tx, realm, true), { to, template: 'password-changed', data: { name: null } });
    await tx.mailMessage.update({ where: { id: queued }, data: alter(await tx.mailMessage.findUniqueOrThrow({ where: { id: queued } })) });
    return queued;
  });

it('lists a message not delivered yet, and answers 404 for unknown or malformed ids', async () => {
  const realm = await buildRealm(gh());
  const to = `${unique('waiting')}@example.com`;
  // Held back: its next attempt is in an hour.
  const id = await enqueueAltered(realm, to, () => ({ nextAttemptAt: new Date(Date.now() + 3_600_000) }));
  const listHtml = await (await fetch(`${gh().url}/dev/mail`)).text();
  expect(listHtml).toContain(to);
  expect(listHtml).not.toContain(`href="/dev/mail/${id}"`);
  for (const path of [`/dev/mail/${id}`, '/dev/mail/00000000-0000-0000-0000-000000000000', '/dev/mail/..%2F..%2Fetc%2Fpasswd', `/dev/mail/${id}/html`]) {
    const res = await fetch(`${gh().url}${path}`, { headers: { accept: 'text/html' } });
    expect({ path, status: res.status }).toEqual({ path, status: 404 });
  }
});

it('fails a message whose sealed data cannot be opened at once, without retrying it', async () => {
  const realm = await buildRealm(gh());
  // Sealed under another key (or tampered with): queued and altered in one transaction.
  const id = await enqueueAltered(realm, `${unique('lost')}@example.com`, (row) => {
    const [version, iv, , body] = row.sealedData!.split('.');
    return { sealedData: [version, iv, Buffer.alloc(16).toString('base64url'), body].join('.') };
  });
  expect(await waitForStatus(gh(), id, 'failed')).toMatchObject({ attempts: 1, sealedData: null, lastError: expect.stringContaining('cannot be opened') });
});
