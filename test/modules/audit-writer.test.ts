// The batching audit writer against a real database that hangs (its table locked by another
// transaction, like a stalled primary). Durable (file spool): nothing is dropped, the backlog
// waits on disk, not in memory, and is drained in full once the database answers; a spool left
// by a dead process is drained on the next start, once, whatever was already inserted. Memory
// spool: bounded, drops counted and reported without the events' contents.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { openAuditWriter } from '../../src/modules/audit/audit-writer.js';
import { createLogger } from '../../src/observability/logger.js';
import { buildRealm } from '../support/builders.js';

const gh = useGatehouse();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PRIVATE = 'private-user-agent-9f3c';
const dirs: string[] = [];
const spoolDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-spool-'));
  dirs.push(dir);
  return join(dir, 'audit-spool');
};
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

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

/** A pid no process has: one that just exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

it('durable: spools every event to disk while inserts hang, holds none in memory beyond the bound, and drains them all once, in order', async () => {
  const realm = await buildRealm(gh());
  const dir = await spoolDir();
  const { logger, lines, raw } = capturedLogger();
  const writer = await openAuditWriter(gh().sql, logger, { spoolDir: dir, maxBatch: 10, flushMs: 5, maxPending: 30, retryMs: 20 });
  const untilSpooled = async (n: number) => {
    for (let i = 0; i < 250 && writer.backlog().events < n; i++) await sleep(20);
  };

  await whileAuditTableLocked(async () => {
    // Ten batches, each on disk before the next: the backlog grows past maxPending (memory's bound).
    for (let i = 0; i < 100; i++) {
      writer.write(realm.id, { ...grantEvent, requestId: `req-${i}` });
      if (i % 10 === 9) await untilSpooled(i + 1);
    }
    // All 100 on disk, fsync'd; none dropped although maxPending is 30.
    expect(writer.backlog()).toMatchObject({ events: 100, durable: true });
    const [file] = await readdir(dir);
    const spooled = (await readFile(join(dir, file!), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { requestId: string });
    expect(spooled.map((e) => e.requestId)).toEqual(Array.from({ length: 100 }, (_, i) => `req-${i}`));
    expect(await rowsOf(realm.id)).toBe(0);
  });

  await writer.flush();
  expect(await rowsOf(realm.id)).toBe(100);
  const rows = await gh().prisma.auditEvent.findMany({ where: { realmId: realm.id, action: 'token.granted' }, select: { requestId: true } });
  expect(new Set(rows.map((r) => r.requestId)).size).toBe(100);
  expect(writer.backlog()).toEqual({ events: 0, spoolBytes: 0, durable: true });
  expect(lines.filter((l) => l.msg.includes('dropped'))).toEqual([]);
  await writer.close();
  expect(await readdir(dir)).toEqual([]); // drained: nothing left behind
  expect(raw.join('')).not.toContain(PRIVATE);
});

it('durable: a spool left by a dead process is drained on the next start, skipping ids already inserted and a torn last line', async () => {
  const realm = await buildRealm(gh());
  const dir = await spoolDir();
  const event = (i: number) => ({ id: randomUUID(), realmId: realm.id, actor: 'app:c', action: 'token.granted', target: null, ip: null, userAgent: null, requestId: `orphan-${i}`, data: {}, createdAt: new Date().toISOString() });
  const events = Array.from({ length: 50 }, (_, i) => event(i));
  // The dead process inserted the first 20 and died before truncating its spool.
  await gh().prisma.auditEvent.createMany({ data: events.slice(0, 20) });
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const torn = JSON.stringify(event(99)).slice(0, 40);
  await writeFile(join(dir, `audit-${deadPid()}-old.spool`), `${events.map((e) => JSON.stringify(e)).join('\n')}\n${torn}`);
  // A live process's spool is not touched.
  const live = join(dir, `audit-${process.ppid}-live.spool`);
  await writeFile(live, `${JSON.stringify(event(77))}\n`);

  const { logger } = capturedLogger();
  const writer = await openAuditWriter(gh().sql, logger, { spoolDir: dir, flushMs: 5, retryMs: 20 });
  await writer.flush();
  const rows = await gh().prisma.auditEvent.findMany({ where: { realmId: realm.id, action: 'token.granted' }, select: { requestId: true } });
  expect(rows.map((r) => r.requestId).sort()).toEqual(events.map((e) => e.requestId).sort());
  await writer.close();
  expect(await readdir(dir)).toEqual([`audit-${process.ppid}-live.spool`]);
  expect((await stat(live)).size).toBeGreaterThan(0);
});

it('memory spool: holds at most maxPending events while inserts hang, drops and reports the rest without their contents, and writes the held ones', async () => {
  const realm = await buildRealm(gh());
  const { logger, lines, raw } = capturedLogger();
  const writer = await openAuditWriter(gh().sql, logger, { maxBatch: 10, flushMs: 5, maxPending: 30, retryMs: 20 });

  await whileAuditTableLocked(async () => {
    for (let i = 0; i < 100; i++) {
      writer.write(realm.id, grantEvent);
      if (i % 10 === 9) await sleep(15);
    }
    await sleep(50);
    writer.write(realm.id, grantEvent); // the next batch reports the drops
    await sleep(50);
    // One warning per batch that could not be held, not one per event.
    const warnings = lines.filter((l) => l.level === 40 && l.msg.includes('dropped'));
    for (const w of warnings) expect(w).toMatchObject({ byAction: { 'token.granted': w.dropped }, maxPending: 30, durable: false });
    expect(warnings.reduce((n, w) => n + Number(w.dropped), 0)).toBe(70);
    expect(warnings.length).toBeLessThanOrEqual(8);
    expect(await rowsOf(realm.id)).toBe(0);
  });

  await writer.close();
  // The last one dropped is reported at close.
  expect(lines.filter((l) => l.msg.includes('dropped')).reduce((n, w) => n + Number(w.dropped), 0)).toBe(71);
  expect(await rowsOf(realm.id)).toBe(30);
  expect(raw.join('')).not.toContain(PRIVATE);
  expect(raw.join('')).not.toContain('203.0.113.9');
});

it('events of a realm that no longer exists do not block the ones after them', async () => {
  const realm = await buildRealm(gh());
  const { logger, lines } = capturedLogger();
  const writer = await openAuditWriter(gh().sql, logger, { spoolDir: await spoolDir(), maxBatch: 5, flushMs: 5 });
  for (let i = 0; i < 5; i++) writer.write(randomUUID(), grantEvent);
  for (let i = 0; i < 5; i++) writer.write(realm.id, grantEvent);
  await writer.flush();
  expect(await rowsOf(realm.id)).toBe(5);
  await writer.close();
  expect(lines.filter((l) => l.level >= 50)).toEqual([]);
});
