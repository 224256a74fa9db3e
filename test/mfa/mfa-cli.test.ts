// gatehouse user factors | remove-factor | reset-mfa, spawned like an operator would, against a
// migrated test database; the factor rows are written with pg (no server needed).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-mfa-cli-'));
  env = cliEnv(db.url, dataDir);
});
afterAll(async () => {
  await db?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const gatehouse = (args: string[]) => runCli(env, args);

describe('gatehouse user factors', { timeout: 120_000 }, () => {
  it('lists, removes one type, resets all; bad type is a usage error', async () => {
    expect((await gatehouse(['db', 'migrate'])).code).toBe(0);
    expect((await gatehouse(['realm', 'create', 'acme'])).code).toBe(0);
    const created = await gatehouse(['user', 'create', '--realm', 'acme', '--email', 'jo@example.com', '--password', 'a long enough password', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const userId = (JSON.parse(created.stdout) as { id: string }).id;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`INSERT INTO "TotpCredential" ("realmId", "userId", secret, "confirmedAt") SELECT "realmId", id, 'v1.x.y.z', now() FROM "User" WHERE id = $1`, [userId]);
      await client.query(`INSERT INTO "RecoveryCode" (id, "realmId", "userId", hash) SELECT gen_random_uuid(), "realmId", id, 'h' || g FROM "User", generate_series(1, 3) g WHERE id = $1`, [userId]);
    } finally {
      await client.end();
    }

    const [listed, badType] = await Promise.all([gatehouse(['user', 'factors', 'jo@example.com', '--realm', 'acme', '--json']), gatehouse(['user', 'remove-factor', 'jo@example.com', 'sms', '--realm', 'acme'])]);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { type: string; remaining?: number }[]).map((f) => [f.type, f.remaining])).toEqual([['totp', undefined], ['recovery_codes', 3]]);
    expect(badType.code).toBe(2);

    const removed = await gatehouse(['user', 'remove-factor', 'jo@example.com', 'totp', '--realm', 'acme']);
    expect(removed.stdout).toBe(`removed totp of ${userId}\n`);
    const again = await gatehouse(['user', 'remove-factor', userId, 'totp', '--realm', 'acme']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error: factor_not_found: ');

    const reset = await gatehouse(['user', 'reset-mfa', 'jo@example.com', '--realm', 'acme']);
    expect(reset.stdout).toBe(`reset the second factors of ${userId}\n`);
    const empty = await gatehouse(['user', 'factors', userId, '--realm', 'acme', '--json']);
    expect(JSON.parse(empty.stdout)).toEqual([]);
  });

  it('realm update --mfa-remember-days sets the days; out of range or not a number is refused', async () => {
    expect((await gatehouse(['db', 'migrate'])).code).toBe(0);
    expect((await gatehouse(['realm', 'create', 'remember'])).code).toBe(0);
    const [set, tooMany, notANumber] = await Promise.all([
      gatehouse(['realm', 'update', 'remember', '--mfa-remember-days', '14', '--json']),
      gatehouse(['realm', 'update', 'remember', '--mfa-remember-days', '91']),
      gatehouse(['realm', 'update', 'remember', '--mfa-remember-days', 'x']),
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ mfaRememberDays: 14 });
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('mfaRememberDays');
    expect(notANumber.code).toBe(2);
  });
});
