// The batching audit writer against a real database that hangs (its table locked by another
// transaction, like a stalled primary) or refuses the rows: memory stays bounded, drops are
// counted and reported without the events' contents, and close() still writes what was held.
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { createAuditWriter } from '../../src/modules/audit/audit-writer.js';
import { createLogger } from '../../src/observability/logger.js';
import { buildRealm } from '../support/builders.js';

const gh = useGatehouse();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PRIVATE = 'private-user-agent-9f3c';

function capturedLogger() {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      raw.push(String(chunk));
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines, raw };
}

const grantEvent = { actor: 'app:client', action: 'token.granted', target: 'user:u', ip: '203.0.113.9', userAgent: PRIVATE, data: { grantType: 'refresh_token' } };
const rowsOf = (realmId: string) => gh().prisma.auditEvent.count({ where: { realmId, action: 'token.granted' } });

/** Runs `fn` while another transaction holds a lock that makes every INSERT into AuditEvent wait. */
async function whileAuditTableLocked(fn: () => Promise<void>) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = gh().prisma.$transaction(async (tx) => {
    await tx.$executeRaw`LOCK TABLE "AuditEvent" IN EXCLUSIVE MODE`;
    locked();
    await released;
  }, { timeout: 30_000 });
  await isLocked;
  try {
    await fn();
  } finally {
    release();
    await holder;
  }
}

it('holds at most maxPending events while inserts hang, drops and reports the rest, and writes the held ones on close', async () => {
  const realm = await buildRealm(gh());
  const { logger, lines, raw } = capturedLogger();
  const writer = createAuditWriter(gh().prisma, logger, { maxBatch: 10, flushMs: 5, maxPending: 30 });

  await whileAuditTableLocked(async () => {
    for (let i = 0; i < 100; i++) {
      writer.write(realm.id, grantEvent);
      if (i % 10 === 9) await sleep(15);
    }
    // Nothing could be written: three batches wait behind the lock, the other 70 were dropped.
    void writer.flush();
    expect(lines.filter((l) => l.level === 40)).toMatchObject([
      { msg: expect.stringContaining('events dropped'), dropped: 70, byAction: { 'token.granted': 70 }, maxPending: 30 },
    ]);
    expect(await rowsOf(realm.id)).toBe(0);
  });

  await writer.close();
  expect(await rowsOf(realm.id)).toBe(30);
  expect(raw.join('')).not.toContain(PRIVATE);
  expect(raw.join('')).not.toContain('203.0.113.9');
});

it('frees its room when inserts fail, logging the loss without the events, and keeps writing', async () => {
  const realm = await buildRealm(gh());
  const { logger, lines, raw } = capturedLogger();
  const writer = createAuditWriter(gh().prisma, logger, { maxBatch: 5, flushMs: 5, maxPending: 5 });

  // A realm id with no realm: the database refuses the batch (foreign key).
  for (let i = 0; i < 5; i++) writer.write(randomUUID(), grantEvent);
  await writer.flush();
  expect(lines.filter((l) => l.level === 50)).toMatchObject([{ msg: 'audit batch write failed', lost: 5, actions: ['token.granted'] }]);

  for (let i = 0; i < 5; i++) writer.write(realm.id, grantEvent);
  await writer.close();
  expect(await rowsOf(realm.id)).toBe(5);
  expect(lines.filter((l) => l.level === 40)).toEqual([]);
  expect(raw.join('')).not.toContain(PRIVATE);
});
