// Buffered audit writes for high-volume events (token grants): one INSERT per batch instead of
// one per request, off the response path. Logins and admin changes are written synchronously,
// in their own transaction, through the realm's audit repo instead.
//
// write() gives the event its id and queues it; every `flushMs` (100 ms) or `maxBatch` events
// the queue is appended to the spool (audit-spool.ts): with the file spool, fsync'd to disk
// before it counts as written. A drain loop then inserts the spool into PostgreSQL in order,
// batch by batch, and releases what is in. While the database is down or hung the loop retries
// (`retryMs`, doubling up to 2 s) and the spool grows on disk, not in memory; a crash loses at
// most the events of the last batch window not yet spooled. Replays are harmless: the INSERT
// ignores ids already present.
//
// Memory is bounded either way: at most `maxPending` events wait in memory for the spool
// (a disk that hangs, or the memory spool's whole capacity). Beyond the bound new events are
// dropped, counted, and reported in one warning per interval (counts and action names only:
// never an event's fields).
import { databaseUnavailable } from '../../db/unavailable.js';
import type { SqlPool } from '../../db/prisma.js';
import type { Logger } from '../../observability/logger.js';
import type { AuditEntry } from './audit.repo.js';
import { auditEventId } from './audit-event-id.js';
import { insertAuditBatch } from './audit-batch.repo.js';
import { createMemorySpool, openFileSpool, rejectToFile, type SpooledEvent, type Spool } from './audit-spool.js';

export interface AuditBacklog {
  /** Events spooled and not yet in the database. */
  events: number;
  /** Size of the spool file (0 when drained, or for the memory spool). */
  spoolBytes: number;
  durable: boolean;
}

export interface AuditWriter {
  write(realmId: string, entry: AuditEntry): void;
  /** Spools what is queued and waits until the spool is drained (or the database refuses). */
  flush(): Promise<void>;
  backlog(): AuditBacklog;
  /** Spools what is queued, drains for up to `closeWaitMs`, and leaves the rest for the next start. */
  close(): Promise<void>;
}

export interface AuditWriterOptions {
  /** Folder of the file spool; unset: memory spool (lost on crash or a long outage). */
  spoolDir?: string;
  maxBatch?: number;
  flushMs?: number;
  /** Events held in memory at most; more are dropped until writes catch up. */
  maxPending?: number;
  /** First wait before retrying a failed INSERT; doubles up to 2 s. */
  retryMs?: number;
  closeWaitMs?: number;
}

/** How often drops are reported while no batch is written: a log line per dropped event would flood. */
const DROP_REPORT_MS = 10_000;
const MAX_RETRY_MS = 2000;
/** A batch the database refuses this many times for something other than an outage is set aside. */
const MAX_REFUSALS = 3;

const actionsOf = (rows: { action: string }[]) => [...new Set(rows.map((e) => e.action))];

export async function openAuditWriter(sql: SqlPool, logger: Logger, opts: AuditWriterOptions = {}): Promise<AuditWriter> {
  const maxBatch = opts.maxBatch ?? 500;
  const flushMs = opts.flushMs ?? 100;
  // 20 full batches; an event is a few hundred bytes, so the bound is a few megabytes.
  const maxPending = opts.maxPending ?? 10_000;
  const retryMs = opts.retryMs ?? 200;
  const closeWaitMs = opts.closeWaitMs ?? 5000;
  const spool: Spool = opts.spoolDir ? await openFileSpool(opts.spoolDir, logger) : createMemorySpool(maxPending);

  let queue: SpooledEvent[] = [];
  let unspooled = 0; // queued, or being appended
  let dropped = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let reportTimer: NodeJS.Timeout | undefined;
  let appending: Promise<void> = Promise.resolve();
  let drainedTo = 0;
  let draining: Promise<void> | undefined;
  let closed = false;
  let outageSince: number | undefined;
  let wake: (() => void) | undefined;

  function drop(rows: { action: string }[]) {
    for (const r of rows) dropped.set(r.action, (dropped.get(r.action) ?? 0) + 1);
    // Reported with the next batch; while none can form, every few seconds.
    reportTimer ??= setTimeout(reportDropped, DROP_REPORT_MS);
  }

  function reportDropped() {
    if (reportTimer) clearTimeout(reportTimer);
    reportTimer = undefined;
    if (!dropped.size) return;
    const byAction = Object.fromEntries(dropped);
    dropped = new Map();
    const count = Object.values(byAction).reduce((a, b) => a + b, 0);
    logger.warn({ dropped: count, byAction, maxPending, durable: spool.durable }, 'audit writer full (database or disk slow or down): events dropped');
  }

  /** A wait the drain loop can be woken from (close). */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  async function drainLoop() {
    let delay = retryMs;
    let refusals = 0;
    for (;;) {
      if (closed) return; // close() waited long enough: the rest is drained at the next start
      const segment = await spool.read(drainedTo, maxBatch);
      if (!segment) return;
      try {
        await insertAuditBatch(sql, segment.rows);
      } catch (err) {
        if (databaseUnavailable(err)) {
          if (outageSince === undefined) {
            outageSince = Date.now();
            logger.warn({ backlog: spool.events, durable: spool.durable }, 'audit events cannot be written (database unavailable): spooling them until it answers');
          }
        } else if (++refusals >= MAX_REFUSALS) {
          // Not an outage (a bug, bad data): keep the rows aside and go on, or one batch would block the trail.
          logger.error({ err, events: segment.rows.length, actions: actionsOf(segment.rows) }, 'audit batch refused by the database: set aside in the spool folder');
          if (opts.spoolDir) await rejectToFile(opts.spoolDir, segment.rows).catch(() => undefined);
          await release(segment);
          refusals = 0;
          continue;
        }
        if (closed) return;
        await pause(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
        if (closed) return;
        continue;
      }
      delay = retryMs;
      refusals = 0;
      if (outageSince !== undefined) {
        logger.info({ outageMs: Date.now() - outageSince, backlog: spool.events }, 'audit events are written again: draining the spool');
        outageSince = undefined;
      }
      await release(segment);
    }
  }

  async function release(segment: { rows: unknown[]; end: number }) {
    drainedTo = await spool.release(segment.end, segment.rows.length);
  }

  function drain(): Promise<void> {
    draining ??= drainLoop().finally(() => {
      draining = undefined;
    });
    return draining;
  }

  function spoolQueued(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    reportDropped();
    if (!queue.length) return appending;
    const batch = queue;
    queue = [];
    appending = appending.then(async () => {
      try {
        if (!(await spool.append(batch))) drop(batch);
      } catch (err) {
        // Disk full or read-only: the events cannot be made durable; try the database directly.
        logger.error({ err, events: batch.length }, 'audit spool write failed: writing the batch to the database directly');
        await insertAuditBatch(sql, batch).catch(() => drop(batch));
      } finally {
        unspooled -= batch.length;
      }
      void drain();
    });
    return appending;
  }

  return {
    write(realmId, entry) {
      if (closed) return;
      if (unspooled >= maxPending) {
        drop([entry]);
        return;
      }
      unspooled++;
      queue.push({
        id: auditEventId(), realmId, actor: entry.actor, action: entry.action, target: entry.target ?? null, ip: entry.ip ?? null,
        userAgent: entry.userAgent ?? null, requestId: entry.requestId ?? null, data: entry.data ?? {}, createdAt: new Date().toISOString(),
      });
      if (queue.length >= maxBatch) void spoolQueued();
      else timer ??= setTimeout(() => void spoolQueued(), flushMs);
    },
    async flush() {
      await spoolQueued();
      await drain();
    },
    backlog: () => ({ events: spool.events, spoolBytes: spool.bytes, durable: spool.durable }),
    async close() {
      if (closed) return;
      await spoolQueued();
      const drained = drain();
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((r) => (timeout = setTimeout(r, closeWaitMs)))]);
      clearTimeout(timeout);
      closed = true;
      wake?.();
      await drained;
      reportDropped();
      if (spool.events) logger.warn({ backlog: spool.events, durable: spool.durable }, spool.durable ? 'audit spool left for the next start to drain' : 'audit events lost at shutdown (memory spool)');
      await spool.close();
    },
  };
}
