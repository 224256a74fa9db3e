// Enumeration by timing: a password-reset or magic-link request answers before any account work
// (token, outbox row, audit) is done, so a known address cannot be told from an unknown one by
// how long the answer takes. Shown without a clock: the account's transaction is held up by a
// lock on the user's row, and the answer for that user still arrives, exactly like an unknown
// address's; the mail follows once the lock is gone.
import pg from 'pg';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { buildDirectRealm, newEmail, post, signUp, REDIRECT, type DirectRealm } from '../api/direct-auth-support.js';

const { gh, smtp } = useGatehouseWithSmtp();
let r: DirectRealm;
let db: pg.Client;

beforeAll(async () => {
  r = await buildDirectRealm(gh());
});
beforeEach(async () => {
  db = new pg.Client({ connectionString: gh().databaseUrl });
  await db.connect();
});
afterEach(async () => {
  await db.query('ROLLBACK').catch(() => undefined);
  await db.end();
});

/** Holds the user's row (FOR UPDATE): any transaction issuing a token for them waits (its foreign key check). */
async function holdUserRow(userId: string) {
  await db.query('BEGIN');
  await db.query('SELECT id FROM "User" WHERE id = $1 FOR UPDATE', [userId]);
  return () => db.query('COMMIT');
}

describe.each([
  ['password reset', '/auth/password-resets', (email: string) => ({ email }), 'password/reset'],
  ['magic link', '/auth/magic-links', (email: string) => ({ clientId: r.app.clientId, email, redirectUri: REDIRECT }), 'magic-link'],
])('a %s request', (_name, path, body, page) => {
  it('answers a known address while its account work is still blocked, the same as an unknown one', async () => {
    const { user } = await signUp(gh(), r);
    await smtp().waitFor(user.email); // the sign-up's verification mail, out of the way
    const release = await holdUserRow(user.id);

    const known = await post(gh(), r, path, body(user.email));
    const unknown = await post(gh(), r, path, body(newEmail()));
    expect([known.status, known.text]).toEqual([unknown.status, unknown.text]);
    expect(known.status).toBe(202);
    // Answered, and yet nothing of the account's part exists: it waits on the lock.
    expect(await gh().prisma.userToken.count({ where: { userId: user.id, kind: { not: 'email_verification' } } })).toBe(0);

    await release();
    const mail = await smtp().waitFor(user.email, (m) => m.text.includes(`/${page}?token=`));
    expect(mail.links.some((l) => l.includes(`/${page}?token=`))).toBe(true);
  });
});
