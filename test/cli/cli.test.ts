// The gatehouse CLI, run as a child process the way an operator runs it, against one temporary
// database shared by the whole file. The tests build on each other in order: migrate, developer,
// realms, apps, keys.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, type CliRun as Run } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const STACK_FRAME = /^\s+at /m;

let db: TestDatabase;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-'));
  env = cliEnv(db.url, dataDir);
});

afterAll(async () => {
  await db?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const gatehouse = (args: string[], stdin?: string) => runCli(env, args, stdin);

/** A refusal: exit 1, `error: <code>: ...` on stderr, nothing on stdout, no stack trace. */
function expectRefused(result: Run, code: string) {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).toContain(`error: ${code}: `);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(result.stdout).toBe('');
}

function expectUsageError(result: Run, message: RegExp) {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stdout).toBe('');
}

// Each spawn costs about half a second of CPU; several run at once, so leave room on a busy machine.
describe('gatehouse CLI', { timeout: 60_000 }, () => {
  it('prints help through the npm bin shim and rejects unknown commands and flags with exit code 2', async () => {
    const [help, unknown, badFlag, noCommand] = await Promise.all([
      gatehouse(['app', 'create', '--help']),
      gatehouse(['frobnicate']),
      gatehouse(['realm', 'list', '--colour']),
      gatehouse([]),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: gatehouse app create --realm NAME --name TEXT --type TYPE');
    expectUsageError(unknown, /error: unknown command "frobnicate"/);
    expectUsageError(badFlag, /error: Unknown option '--colour'/);
    expectUsageError(noCommand, /usage: gatehouse <command>/);
  });

  it('db migrate applies the migrations even with MIGRATE_ON_START=false, then has nothing to do', async () => {
    const first = await gatehouse(['db', 'migrate']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^applied \d+_init$/m);
    const second = await gatehouse(['db', 'migrate']);
    expect(second.stdout).toBe('database is up to date\n');
  });

  it('creates a developer account and a platform API key, printing only the key on stdout', async () => {
    const admin = await gatehouse(['admin', 'create', '--email', 'dev@example.com', '--password-stdin', '--name', 'Dev'], 'a long enough password\n');
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toMatch(/^[0-9a-f-]{36}\n$/);

    const [key, stranger] = await Promise.all([
      gatehouse(['api-key', 'create', '--admin', 'DEV@example.com', '--name', 'ci']),
      gatehouse(['api-key', 'create', '--admin', 'nobody@example.com']),
    ]);
    expect(key.code, key.stderr).toBe(0);
    expect(key.stdout).toMatch(/^gh_pk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}\n$/);
    expect(key.stderr).toContain('shown once');
    expectRefused(stranger, 'developer_not_found');
  });

  it('creates realms, with and without an owner, and lists them as JSON', async () => {
    const [owned, unowned] = await Promise.all([
      gatehouse(['realm', 'create', 'acme', '--owner', 'dev@example.com', '--display-name', 'Acme Corp', '--json']),
      gatehouse(['realm', 'create', 'a']),
    ]);
    expect(owned.code, owned.stderr).toBe(0);
    expect(JSON.parse(owned.stdout)).toMatchObject({ name: 'acme', displayName: 'Acme Corp', owner: 'dev@example.com', issuer: expect.stringMatching(/\/realms\/acme$/) });
    expect(unowned.code, unowned.stderr).toBe(0);
    expect(unowned.stdout).toMatch(/^name\s+a$/m);
    expect(unowned.stdout).toMatch(/^issuer\s+\S+\/realms\/a$/m);

    const list = await gatehouse(['realm', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const realms = JSON.parse(list.stdout) as Array<{ name: string; owner: string | null }>;
    expect(realms).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'acme', owner: 'dev@example.com' }),
      expect.objectContaining({ name: 'a', owner: null }),
    ]));
  });

  it('creates apps: a web app gets a secret, shown once; an SPA gets none', async () => {
    const [web, spa] = await Promise.all([
      gatehouse(['app', 'create', '--realm', 'acme', '--name', 'Portal', '--type', 'web', '--redirect-uri', 'https://portal.example.com/cb', '--post-logout-redirect-uri', 'https://portal.example.com/', '--json']),
      gatehouse(['app', 'create', '--realm', 'acme', '--name', 'Dashboard', '--type', 'spa', '--redirect-uri', 'http://localhost:5173/cb', '--json']),
    ]);
    expect(web.code, web.stderr).toBe(0);
    const webApp = JSON.parse(web.stdout) as Record<string, unknown>;
    expect(webApp).toMatchObject({ type: 'web', clientId: expect.stringMatching(/^app_/), clientSecret: expect.stringMatching(/^ghs_/), redirectUris: ['https://portal.example.com/cb'] });
    expect(web.stderr).toContain('shown once');
    expect(spa.code, spa.stderr).toBe(0);
    const spaApp = JSON.parse(spa.stdout) as Record<string, unknown>;
    expect(spaApp.clientId).toMatch(/^app_/);
    expect(spaApp).not.toHaveProperty('clientSecret');
  });

  it('registers an API resource and changes realm token lifetimes, refusing bad values', async () => {
    const [resource, lifetimes] = await Promise.all([
      gatehouse(['resource', 'create', '--realm', 'acme', '--identifier', 'https://orders.example.com', '--name', 'Orders', '--scope', 'orders:read', '--scope', 'orders:write', '--access-token-ttl', '300', '--json']),
      gatehouse(['realm', 'update', 'a', '--display-name', 'Realm A', '--lifetime', 'accessToken=600', '--lifetime', 'idToken=1200', '--json']),
    ]);
    expect(resource.code, resource.stderr).toBe(0);
    expect(JSON.parse(resource.stdout)).toMatchObject({ identifier: 'https://orders.example.com', name: 'Orders', scopes: ['orders:read', 'orders:write'], accessTokenTtl: 300 });
    expect(lifetimes.code, lifetimes.stderr).toBe(0);
    expect(JSON.parse(lifetimes.stdout)).toMatchObject({ name: 'a', displayName: 'Realm A', tokenLifetimes: { accessToken: 600, idToken: 1200, authorizationCode: 60 } });

    const [worker, overreach] = await Promise.all([
      gatehouse(['app', 'create', '--realm', 'acme', '--name', 'Worker', '--type', 'service', '--api-access', 'https://orders.example.com orders:read', '--json']),
      gatehouse(['app', 'create', '--realm', 'acme', '--name', 'Worker', '--type', 'service', '--api-access', 'https://orders.example.com orders:delete']),
    ]);
    expect(worker.code, worker.stderr).toBe(0);
    expect(JSON.parse(worker.stdout)).toMatchObject({ type: 'service', apiAccess: [{ resource: 'https://orders.example.com', scopes: ['orders:read'] }] });
    expectRefused(overreach, 'validation_failed');
    expect(overreach.stderr).toMatch(/^ {2}apiAccess\.0\.scopes\.0: is not a scope of https:\/\/orders\.example\.com/m);

    const [again, badScope, tooShort, unknownLifetime, badFlag] = await Promise.all([
      gatehouse(['resource', 'create', '--realm', 'acme', '--identifier', 'https://orders.example.com', '--name', 'Orders', '--scope', 'x']),
      gatehouse(['resource', 'create', '--realm', 'acme', '--identifier', 'https://b.example.com', '--name', 'B', '--scope', 'openid']),
      gatehouse(['realm', 'update', 'a', '--lifetime', 'accessToken=5']),
      gatehouse(['realm', 'update', 'a', '--lifetime', 'deviceCode=600']),
      gatehouse(['realm', 'update', 'a', '--lifetime', 'accessToken']),
    ]);
    expectRefused(again, 'resource_exists');
    expectRefused(badScope, 'validation_failed');
    expect(badScope.stderr).toMatch(/^ {2}scopes\.0: is an OpenID Connect scope/m);
    expectRefused(tooShort, 'validation_failed');
    expect(tooShort.stderr).toMatch(/^ {2}tokenLifetimes\.accessToken: /m);
    expectRefused(unknownLifetime, 'validation_failed');
    expect(unknownLifetime.stderr).toContain('deviceCode');
    expectUsageError(badFlag, /--lifetime takes NAME=SECONDS/);
    // The refused updates changed nothing.
    const list = JSON.parse((await gatehouse(['realm', 'list', '--json'])).stdout) as Array<{ name: string; tokenLifetimes: { accessToken: number } }>;
    expect(list.find((r) => r.name === 'a')?.tokenLifetimes.accessToken).toBe(600);
  });

  it("README's example user create --email a@b.c works; an address with a line break is refused", async () => {
    const readme = await gatehouse(['user', 'create', '--realm', 'acme', '--email', 'a@b.c', '--password', 'a long enough password']);
    expect(readme.code, readme.stderr).toBe(0);
    expect(readme.stdout).toMatch(UUID);
    const injected = await gatehouse(['user', 'create', '--realm', 'acme', '--email', 'x@example.com\r\nBcc: y@example.com']);
    expectRefused(injected, 'validation_failed');
    expect(injected.stderr).toMatch(/^ {2}email: /m);
  });

  it('refuses bad input with exit code 1 and the stable error code, never a stack trace', async () => {
    const user = await gatehouse(['user', 'create', '--realm', 'acme', '--email', 'jo@example.com', '--email-verified']);
    expect(user.code, user.stderr).toBe(0);
    const [badName, badUri, badType, duplicate, noRealm] = await Promise.all([
      gatehouse(['realm', 'create', 'Not_A_Name']),
      gatehouse(['app', 'create', '--realm', 'acme', '--name', 'X', '--type', 'web', '--redirect-uri', 'http://example.com/cb']),
      gatehouse(['app', 'create', '--realm', 'acme', '--name', 'X', '--type', 'desktop']),
      gatehouse(['user', 'create', '--realm', 'acme', '--email', 'JO@example.com']),
      gatehouse(['app', 'create', '--realm', 'missing', '--name', 'X', '--type', 'spa']),
    ]);
    expectRefused(badName, 'validation_failed');
    expect(badName.stderr).toMatch(/^ {2}name: /m);
    expectRefused(badUri, 'validation_failed');
    expect(badUri.stderr).toMatch(/^ {2}redirectUris\.0: http is only allowed for localhost/m);
    expectRefused(badType, 'validation_failed');
    expect(badType.stderr).toMatch(/^ {2}type: /m);
    expectRefused(duplicate, 'email_taken');
    expectRefused(noRealm, 'realm_not_found');
    expect(noRealm.stderr).toContain('No realm named "missing"');
  });

  // Seven spawns: more time than the others on a busy machine.
  it('manages a user: search, update, set-password, revoke-sessions (needs REDIS_URL), delete', { timeout: 120_000 }, async () => {
    const [found, weak] = await Promise.all([
      gatehouse(['user', 'search', '--realm', 'acme', '--q', 'JO@', '--json']),
      gatehouse(['user', 'set-password', 'jo@example.com', '--realm', 'acme', '--password-stdin'], 'short\n'),
    ]);
    expect(found.code, found.stderr).toBe(0);
    const [jo] = JSON.parse(found.stdout) as Array<{ id: string; email: string }>;
    expect(jo).toMatchObject({ email: 'jo@example.com' });
    expectRefused(weak, 'validation_failed');
    expect(weak.stderr).toMatch(/^ {2}password: Use at least 8 characters/m);

    const updated = await gatehouse(['user', 'update', 'JO@example.com', '--realm', 'acme', '--name', 'Jo', '--disable', '--json']);
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ id: jo!.id, name: 'Jo', disabled: true });
    const [password, revoked] = await Promise.all([
      gatehouse(['user', 'set-password', jo!.id, '--realm', 'acme', '--password-stdin'], 'a long enough password\n'),
      gatehouse(['user', 'revoke-sessions', 'jo@example.com', '--realm', 'acme']),
    ]);
    expect(password.code, password.stderr).toBe(0);
    expect(password.stdout).toBe(`password set for ${jo!.id}\n`);
    // Without REDIS_URL the sessions of a running server live in its memory, out of the CLI's reach.
    if (process.env.REDIS_URL) expect(revoked.stdout).toBe(`signed out ${jo!.id} everywhere\n`);
    else expectRefused(revoked, 'redis_required');

    const deleted = await gatehouse(['user', 'delete', 'jo@example.com', '--realm', 'acme']);
    expect(deleted.stdout).toBe(`deleted ${jo!.id}\n`);
    expectRefused(await gatehouse(['user', 'delete', jo!.id, '--realm', 'acme']), 'user_not_found');
  });

  it("switches a realm's account and MFA settings, refusing bad values", async () => {
    const [on, badSwitch, badBool] = await Promise.all([
      gatehouse(['realm', 'update', 'acme', '--sign-up', 'enabled', '--magic-link', 'enabled', '--require-verified-email', 'true', '--password-min-length', '12', '--mail-sender-name', 'Acme Support', '--mfa', 'optional', '--json']),
      gatehouse(['realm', 'update', 'acme', '--sign-up', 'maybe']),
      gatehouse(['realm', 'update', 'acme', '--require-verified-email', 'yes']),
    ]);
    expect(on.code, on.stderr).toBe(0);
    expect(JSON.parse(on.stdout)).toMatchObject({ signUp: 'enabled', magicLink: 'enabled', requireVerifiedEmail: true, passwordPolicy: { minLength: 12 }, mailSenderName: 'Acme Support', mfa: 'optional' });
    expectRefused(badSwitch, 'validation_failed');
    expect(badSwitch.stderr).toMatch(/^ {2}signUp: /m);
    expectUsageError(badBool, /--require-verified-email takes true or false/);

    const off = await gatehouse(['realm', 'update', 'acme', '--sign-up', 'disabled', '--magic-link', 'disabled', '--require-verified-email', 'false', '--mail-sender-name', '', '--mfa', 'off']);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(/^sign-up +disabled$/m);
    expect(off.stdout).toMatch(/^require verified email +false$/m);
  });

  it('rotates signing keys: new kids, when they sign, and how long the old ones stay published', async () => {
    const [text, json] = await Promise.all([
      gatehouse(['keys', 'rotate', '--realm', 'acme']),
      gatehouse(['keys', 'rotate', '--realm', 'a', '--activate-after', '60', '--json']),
    ]);
    expect(text.code, text.stderr).toBe(0);
    const line = (label: string) => text.stdout.split('\n').find((l) => l.startsWith(`${label} `)) ?? '';
    expect(line('new kids').match(UUID)).toHaveLength(2); // one ES256, one RS256
    expect(line('old kids').match(UUID)).toHaveLength(2);
    expect(line('sign from')).toContain('(in 600 s)');
    expect(line('old kids published until')).toMatch(/\d{4}-\d\d-\d\dT/);

    expect(json.code, json.stderr).toBe(0);
    const rotation = JSON.parse(json.stdout) as { kids: string[]; retiring: string[]; activatesAt: string; oldKeysExpireAt: string; maxTokenLifetimeSeconds: number };
    expect(rotation.kids).toHaveLength(2);
    expect(rotation.retiring).toHaveLength(2);
    // Realm a's longest token lifetime (ID token, 1200 s, set by `realm update` above), plus 5 min of clock skew.
    expect(rotation.maxTokenLifetimeSeconds).toBe(1200 + 300);
    expect(Date.parse(rotation.oldKeysExpireAt) - Date.parse(rotation.activatesAt)).toBe(1500 * 1000);
    expect(Math.abs(Date.parse(rotation.activatesAt) - (Date.now() + 60_000))).toBeLessThan(30_000);

    expectUsageError(await gatehouse(['keys', 'rotate', '--realm', 'a', '--activate-after', 'soon']), /--activate-after must be a whole number/);
  });

  it('creates a realm key limited to one realm, and insists on exactly one of --admin and --realm', async () => {
    const [realmKey, both, neither, adminRealm] = await Promise.all([
      gatehouse(['api-key', 'create', '--realm', 'a']),
      gatehouse(['api-key', 'create', '--realm', 'a', '--admin', 'dev@example.com']),
      gatehouse(['api-key', 'create']),
      gatehouse(['api-key', 'create', '--realm', 'admin']),
    ]);
    expect(realmKey.code, realmKey.stderr).toBe(0);
    expect(realmKey.stdout).toMatch(/^gh_rk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}\n$/);
    expectUsageError(both, /exactly one of --admin EMAIL or --realm NAME/);
    expectUsageError(neither, /exactly one of --admin EMAIL or --realm NAME/);
    expectUsageError(adminRealm, /use --admin EMAIL/);
  });
});
