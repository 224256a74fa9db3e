// Where batched audit events wait between the request that caused them and PostgreSQL.
//
// File spool (the default, in DATA_DIR/audit-spool): one append-only file of JSON lines per
// process, `audit-<pid>-<token>.spool`. A batch is written and fdatasync'd before it counts as
// written; the writer drains the file in order from its start and the file is truncated once
// everything in it is in the database, so it grows only while PostgreSQL is down or behind
// (bounded by disk, not memory). Each event carries the id it was given when spooled, so a
// replay after a crash between INSERT and truncation inserts nothing twice. At open, the spools
// of dead processes (a crash, kill -9) are claimed by an atomic rename and copied into this one.
// The lines hold IP addresses and user agents: the folder is 0700 and the files 0600.
//
// Memory spool (AUDIT_SPOOL=false): the same interface over an array holding at most
// `maxPending` events; what is in it is lost with the process.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export interface SpooledEvent {
  id: string;
  realmId: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  data: unknown;
  /** ISO 8601, when the event happened. */
  createdAt: string;
}

export interface Segment {
  rows: SpooledEvent[];
  /** Where the next segment starts (bytes for a file spool, events for a memory spool). */
  end: number;
}

export interface Spool {
  readonly durable: boolean;
  /** Events appended and not yet released. */
  readonly events: number;
  readonly bytes: number;
  /** Appends a batch; resolved once it is on disk (file spool) or refused (memory spool full: false). */
  append(rows: SpooledEvent[]): Promise<boolean>;
  /** Up to `maxRows` events from `from` (a previous segment's end, or 0), in the order appended. */
  read(from: number, maxRows: number): Promise<Segment | undefined>;
  /**
   * Everything before `to` (`events` events) is in the database. Empties the spool when that is
   * all of it. Resolves to where reading goes on: `to`, or 0 when emptied.
   */
  release(to: number, events: number): Promise<number>;
  close(): Promise<void>;
}

const FILE_PATTERN = /^audit-(\d+)-([A-Za-z0-9_-]+)\.spool$/;
/** Spool files this process has open (several Gatehouses in one process, as in tests). */
const OWN_FILES = new Set<string>();

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Complete lines from `buf` (a torn last line, from a crash mid-write, is left out), at most `max`. */
function parseLines(buf: Buffer, max: number): { rows: SpooledEvent[]; used: number; corrupt: number } {
  const rows: SpooledEvent[] = [];
  let used = 0;
  let corrupt = 0;
  while (rows.length < max) {
    const nl = buf.indexOf(10, used);
    if (nl < 0) break;
    const line = buf.subarray(used, nl).toString('utf8');
    used = nl + 1;
    try {
      rows.push(JSON.parse(line) as SpooledEvent);
    } catch {
      corrupt++;
    }
  }
  return { rows, used, corrupt };
}

async function readSegment(fh: FileHandle, from: number, size: number, maxRows: number): Promise<(Segment & { corrupt: number }) | undefined> {
  let length = Math.min(size - from, 1 << 20);
  while (length > 0) {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, from);
    const { rows, used, corrupt } = parseLines(buf.subarray(0, bytesRead), maxRows);
    if (used > 0) return { rows, end: from + used, corrupt };
    if (length >= size - from) return undefined; // only a torn line left
    length = Math.min(size - from, length * 2);
  }
  return undefined;
}

export async function openFileSpool(dir: string, log: { warn(obj: object, msg: string): void }): Promise<Spool> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `audit-${process.pid}-${randomBytes(6).toString('base64url')}.spool`);
  const fh = await open(path, 'wx+', 0o600);
  OWN_FILES.add(path);
  let size = 0;
  let events = 0;
  let last: { start: number; segment: Segment } | undefined;
  // Appends, truncation and closing one at a time, in order.
  let ops: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = ops.then(fn);
    ops = run.catch(() => undefined);
    return run;
  };

  const appendNow = async (rows: SpooledEvent[]) => {
    const buf = Buffer.from(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    try {
      await fh.write(buf, 0, buf.length, size);
      await fh.datasync();
    } catch (err) {
      await fh.truncate(size).catch(() => undefined); // no torn line before the next batch
      throw err;
    }
    last = { start: size, segment: { rows, end: size + buf.length } };
    size += buf.length;
    events += rows.length;
  };

  const spool: Spool = {
    durable: true,
    get events() { return events; },
    get bytes() { return size; },
    append: (rows) => serial(async () => {
      await appendNow(rows);
      return true;
    }),
    async read(from, maxRows) {
      // The batch just appended is usually the next to drain: no need to read it back.
      if (last && last.start === from && last.segment.rows.length <= maxRows) return last.segment;
      const segment = await readSegment(fh, from, size, maxRows);
      if (segment?.corrupt) log.warn({ corrupt: segment.corrupt, file: path }, 'audit spool: unreadable lines skipped');
      return segment;
    },
    release: (to, released) => serial(async () => {
      events -= released;
      if (to < size) return to;
      await fh.truncate(0);
      size = 0;
      events = 0;
      last = undefined;
      return 0;
    }),
    close: () => serial(async () => {
      OWN_FILES.delete(path);
      await fh.close();
      if (size === 0) await unlink(path).catch(() => undefined);
    }),
  };

  // Claimed files whose claimer died mid-copy are orphan spools again.
  for (const name of await readdir(dir)) {
    const m = /^audit-(\d+)-([A-Za-z0-9_-]+)\.claimed$/.exec(name);
    const file = join(dir, name);
    if (m && !OWN_FILES.has(file) && (Number(m[1]) === process.pid || !isAlive(Number(m[1])))) await rename(file, file.replace(/\.claimed$/, '.spool')).catch(() => undefined);
  }
  // A dead process's spool: claim it (rename is atomic, so two starting instances never both
  // take one), copy its complete lines into ours, fsync'd, then delete it. A crash while copying
  // leaves the claimed file under this process's name, to be claimed again: the ids make that safe.
  for (const name of await readdir(dir)) {
    const match = FILE_PATTERN.exec(name);
    const orphan = join(dir, name);
    if (!match || OWN_FILES.has(orphan) || orphan === path || (Number(match[1]) !== process.pid && isAlive(Number(match[1])))) continue;
    const claimed = join(dir, `audit-${process.pid}-${randomBytes(6).toString('base64url')}.claimed`);
    try {
      await rename(orphan, claimed);
    } catch {
      continue; // another instance claimed it first
    }
    OWN_FILES.add(claimed);
    const from = await open(claimed, 'r');
    try {
      const orphanSize = (await from.stat()).size;
      let offset = 0;
      let copied = 0;
      for (let seg = await readSegment(from, 0, orphanSize, 1000); seg; seg = await readSegment(from, offset, orphanSize, 1000)) {
        if (seg.rows.length) await appendNow(seg.rows);
        copied += seg.rows.length;
        offset = seg.end;
      }
      log.warn({ events: copied, from: name }, 'audit spool of a stopped process taken over: draining it');
    } finally {
      await from.close();
    }
    await unlink(claimed);
    OWN_FILES.delete(claimed);
  }
  return spool;
}

/** Rows the database refused for good (not an outage): kept beside the spool for an operator, never dropped silently. */
export const rejectToFile = (dir: string, rows: SpooledEvent[]) =>
  appendFile(join(dir, 'rejected.ndjson'), rows.map((r) => `${JSON.stringify(r)}\n`).join(''), { mode: 0o600 });

export function createMemorySpool(maxPending: number): Spool {
  let rows: SpooledEvent[] = [];
  let base = 0; // offset of rows[0]
  return {
    durable: false,
    get events() { return rows.length; },
    bytes: 0,
    append: async (batch) => {
      if (rows.length + batch.length > maxPending) return false;
      rows.push(...batch);
      return true;
    },
    read: async (from, maxRows) => {
      const slice = rows.slice(from - base, from - base + maxRows);
      return slice.length ? { rows: slice, end: from + slice.length } : undefined;
    },
    release: async (to) => {
      rows = rows.slice(to - base);
      base = to;
      return to;
    },
    close: async () => undefined,
  };
}
