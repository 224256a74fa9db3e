// The mail worker with its database gone: it logs the outage once (not once per turn), waits
// with backoff, and delivers again once PostgreSQL is back. Uses a PostgreSQL of its own
// (test/faults/pg-server.ts) and the development outbox (no SMTP server needed for this).
import { expect, it } from 'vitest';
import { buildRealm, unique } from '../support/builders.js';
import { useGatehouseOnFaultyPostgres } from '../faults/pg-server.js';
import { enqueueMail, waitForStatus } from './support.js';

const faulty = useGatehouseOnFaultyPostgres({ MAIL_WORKER_INTERVAL_MS: '50' });
const outageLines = (lines: string[]) => lines.filter((l) => l.includes('outbox unreachable')).length;

async function until(check: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('survives PostgreSQL stopping: one log line, then delivery resumes when it is back', async () => {
  const { pg, gh } = faulty();
  const realm = await buildRealm(gh);
  await pg.stop();
  try {
    await until(() => outageLines(gh.logLines) > 0);
    // Several turns' worth of time at a 50 ms interval: still the one line.
    await new Promise((r) => setTimeout(r, 1500));
    expect(outageLines(gh.logLines)).toBe(1);
  } finally {
    await pg.start();
  }
  const id = await enqueueMail(gh, realm, { to: `${unique('back')}@example.com`, template: 'password-changed', data: { name: null } });
  // The worker's backoff is at most 30 s; here it has grown for a few seconds only.
  await waitForStatus(gh, id, 'sent', 20_000);
  await until(() => gh.logLines.some((l) => l.includes('outbox reachable again')));
});
