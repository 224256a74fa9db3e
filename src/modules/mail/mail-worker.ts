// The mail worker: the delivering half of the outbox (STYLE.md "outbox"). A loop named
// `mail-delivery` claims due rows (mail-queue.repo.ts, FOR UPDATE SKIP LOCKED, a lease), opens
// and renders each, hands it to the transport, and records the outcome:
// - sent: sealed data erased;
// - a temporary failure (outage, 4xx, timeout): `retrying`, next attempt after an exponential
//   backoff with jitter (MAIL_RETRY_BASE_MS doubled per attempt, at most an hour);
// - a permanent failure (5xx such as "no such mailbox", unreadable data) or MAIL_MAX_ATTEMPTS
//   reached: `failed`, sealed data erased.
// Delivery is at least once (SMTP has no idempotency key): a crash between the server's "250 OK"
// and recording it resends after the lease. Outcomes that could not be recorded (database down)
// are kept and recorded before anything new is claimed, so a short outage does not resend.
//
// Logs carry the row id, template, realm, attempt and SMTP codes: never the address, a link or
// the server's reply text (which often quotes the address).
import type { Config } from '../../config/config.js';
import type { PrismaClient } from '../../db/types.js';
import type { Logger } from '../../observability/logger.js';
import { parseRealmSettings } from '../../realms/realm-settings.js';
import { createSealer } from '../../security/encryption.js';
import { mailSealContext, type MailTemplates } from './mail-outbox.js';
import { createMailQueueRepo, type ClaimedMail } from './mail-queue.repo.js';
import { createMailRenderer, isMailTemplate } from './mail-renderer.js';
import { createMailTransport, type MailTransport, type OutgoingMail } from './mail-transport.js';
import { describeFailure, PermanentMailError } from './mail-failure.js';

/** Rows claimed at once; they are sent concurrently. */
const BATCH = 10;
/** Batches per wake-up before sleeping again, so one loop turn is bounded even with a deep backlog. */
const BATCHES_PER_TURN = 10;
/** How long a claim holds a row: far above one SMTP conversation's bounds (SMTP_TIMEOUTS). */
export const LEASE_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 60 * 60_000;
/** Database unreachable: the loop's own wait grows to this. */
const MAX_IDLE_BACKOFF_MS = 30_000;
/** close() waits this long for a turn in flight, then leaves it to the lease. */
const CLOSE_WAIT_MS = 2000;
/** Unrecorded outcomes kept across a database outage, at most. */
const MAX_PENDING_OUTCOMES = 1000;

export interface MailWorker {
  close(): Promise<void>;
}

export interface MailWorkerDeps {
  config: Readonly<Pick<Config, 'env' | 'baseUrl' | 'mail' | 'mailWorker' | 'masterKey' | 'dataDir'>>;
  prisma: PrismaClient;
  logger: Logger;
  /** Default: from config (SMTP_URL, else the development outbox). */
  transport?: MailTransport;
}

export function startMailWorker(deps: MailWorkerDeps): MailWorker {
  const { config, prisma } = deps;
  const log = deps.logger.child({ loop: 'mail-delivery' });
  const transport = deps.transport ?? createMailTransport(config);
  if (!transport) {
    log.warn('SMTP_URL is not set: mail is kept in the outbox, undelivered, until it is');
    return { close: async () => undefined };
  }
  if (transport.kind === 'dev-outbox') log.info('SMTP_URL is not set: mail goes to the development outbox at %s/dev/mail', config.baseUrl);
  const queue = createMailQueueRepo(prisma);
  // The same purpose label as the outbox's sealer in src/services.ts.
  const sealer = createSealer(config.masterKey, 'mail-outbox');
  const renderer = createMailRenderer(config.env === 'production');
  const { intervalMs, maxAttempts, retryBaseMs } = config.mailWorker;
  const pending: Array<() => Promise<unknown>> = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let turn: Promise<void> | undefined;
  let outageTurns = 0;

  function prepare(row: ClaimedMail): OutgoingMail {
    if (!row.sealedData) throw new PermanentMailError('no data to render');
    if (!isMailTemplate(row.template)) throw new PermanentMailError(`unknown template ${row.template}`);
    let data: MailTemplates[typeof row.template];
    try {
      data = JSON.parse(sealer.open(row.sealedData, mailSealContext(row.id))) as typeof data;
    } catch {
      throw new PermanentMailError('sealed data cannot be opened (was MASTER_KEY changed?)');
    }
    const senderName = parseRealmSettings(row.realmSettings).mailSenderName ?? row.realmDisplayName;
    let rendered;
    try {
      rendered = renderer.render(row.template, data, { realmDisplayName: row.realmDisplayName });
    } catch (err) {
      // A template that fails on this data fails the same way on every retry.
      throw new PermanentMailError(`template ${row.template} failed to render: ${(err as Error).message}`);
    }
    return { id: row.id, realmName: row.realmName, to: row.to, from: { name: senderName, address: config.mail.from }, ...rendered };
  }

  /** Exponential backoff with ±25% jitter, so mail held by one outage does not all retry at once. */
  const backoff = (attempts: number) => Math.min(retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS) * (0.75 + Math.random() / 2);

  async function deliver(row: ClaimedMail): Promise<void> {
    const fields = { mailId: row.id, template: row.template, realm: row.realmName, attempt: row.attempts };
    let record: () => Promise<unknown>;
    try {
      await transport!.send(prepare(row));
      record = () => queue.markSent(row.id);
      log.info(fields, 'mail sent');
    } catch (err) {
      const failure = describeFailure(err);
      const codes = { code: failure.code, responseCode: failure.responseCode };
      if (failure.permanent || row.attempts >= maxAttempts) {
        record = () => queue.markFailed(row.id, failure.summary);
        log.error({ ...fields, ...codes, permanent: failure.permanent }, 'mail failed: giving up');
      } else {
        const delay = Math.round(backoff(row.attempts));
        record = () => queue.markRetry(row.id, new Date(Date.now() + delay), failure.summary);
        log.warn({ ...fields, ...codes, retryInMs: delay }, 'mail not delivered: will retry');
      }
    }
    try {
      await record();
    } catch (err) {
      if (pending.length < MAX_PENDING_OUTCOMES) pending.push(record);
      throw err;
    }
  }

  async function runTurn() {
    // Outcomes from a previous turn first: otherwise their rows' leases could end and resend them.
    while (pending.length) {
      await pending[0]!();
      pending.shift();
    }
    for (let i = 0; i < BATCHES_PER_TURN && !stopped; i++) {
      const claimed = await queue.claimDue(BATCH, LEASE_MS);
      const results = await Promise.allSettled(claimed.map(deliver));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      if (claimed.length < BATCH) break;
    }
  }

  function schedule(ms: number) {
    if (stopped) return;
    timer = setTimeout(() => void loop(), ms);
    timer.unref();
  }

  async function loop() {
    turn = runTurn().then(
      () => {
        if (outageTurns) log.info('outbox reachable again: delivering');
        outageTurns = 0;
      },
      (err: unknown) => {
        // Once per outage, not once per turn: a down database must not flood the log.
        if (!outageTurns) log.warn({ err }, 'outbox unreachable (database): mail waits, retrying with backoff');
        outageTurns += 1;
      },
    );
    await turn;
    turn = undefined;
    schedule(outageTurns ? Math.min(intervalMs * 2 ** outageTurns, MAX_IDLE_BACKOFF_MS) : intervalMs);
  }

  schedule(0);
  return {
    /** Stops the loop; a turn in flight gets CLOSE_WAIT_MS to finish (its rows are leased either way). */
    async close() {
      stopped = true;
      clearTimeout(timer);
      if (turn) {
        let wait: NodeJS.Timeout | undefined;
        await Promise.race([turn, new Promise<void>((r) => (wait = setTimeout(r, CLOSE_WAIT_MS)))]);
        clearTimeout(wait);
      }
      transport.close();
    },
  };
}
