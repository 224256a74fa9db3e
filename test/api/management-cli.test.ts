// The management CLI commands run as an operator runs them (a child process against the running
// Gatehouse's database): scoped, expiring API keys that the API then honours, list and revoke,
// secret rotation with a grace period, and realm deletion that needs --yes. Each run starts Node
// and tsx, slow on a loaded machine: generous timeouts.
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildRealm } from '../support/builders.js';
import { cliEnvOf, runCli } from '../support/cli.js';
import { useGatehouse } from '../support/gatehouse.js';
import { bearer, buildDeveloper, expectProblem } from './support.js';

const gh = useGatehouse();
let dev: Awaited<ReturnType<typeof buildDeveloper>>;
let realm: Awaited<ReturnType<typeof buildRealm>>;

beforeAll(async () => {
  dev = await buildDeveloper(gh());
  realm = await buildRealm(gh(), { ownerId: dev.user.id });
});

const gatehouse = (args: string[]) => runCli(cliEnvOf(gh()), args);

const email = () => dev.user.email;
// gh_pk_ + 12 characters: the id part may itself contain '_' (base64url), so not split('_').
const prefixOf = (key: string) => key.slice(0, 18);

describe('gatehouse api-key | app rotate-secret | realm delete', () => {
  it('creates a scoped expiring key the API honours, lists it without the secret, and revokes it', { timeout: 300_000 }, async () => {
    const [made, badScope, badExpiry] = await Promise.all([
      gatehouse(['api-key', 'create', '--admin', email(), '--name', 'reader', '--scope', 'realms:read', '--expires-in', '7d']),
      gatehouse(['api-key', 'create', '--admin', email(), '--scope', 'realms:everything']),
      gatehouse(['api-key', 'create', '--admin', email(), '--expires-in', 'soon']),
    ]);
    expect(made.code, made.stderr).toBe(0);
    const key = made.stdout.trim();
    expect({ code: badScope.code, stdout: badScope.stdout }).toEqual({ code: 2, stdout: '' });
    expect(badScope.stderr).toMatch(/unknown scope "realms:everything"/);
    expect(badExpiry.code).toBe(2);

    const me = await request(gh().url).get('/api/v1/me').set(bearer(key));
    expect(me.body).toMatchObject({ kind: 'platform', scopes: ['realms:read'] });
    expect(Date.parse(me.body.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86400_000);
    expectProblem(await request(gh().url).post('/api/v1/realms').set(bearer(key)).send({ name: 'nope-cli' }), 403, 'insufficient_scope');

    const listed = await gatehouse(['api-key', 'list', '--admin', email(), '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toContain(key);
    expect((JSON.parse(listed.stdout) as { prefix: string; name: string }[]).find((k) => k.prefix === prefixOf(key))).toMatchObject({ name: 'reader', scopes: ['realms:read'] });

    const [revoked, missing] = await Promise.all([
      gatehouse(['api-key', 'revoke', prefixOf(key), '--admin', email()]),
      gatehouse(['api-key', 'revoke', 'gh_pk_nothinghere00', '--admin', email()]),
    ]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/api_key_not_found/);
    expectProblem(await request(gh().url).get('/api/v1/me').set(bearer(key)), 401, 'unauthenticated');
  });

  it('rotates a secret with a grace period, and deletes a realm only with --yes', { timeout: 300_000 }, async () => {
    const { app, clientSecret } = await buildApp(gh(), realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    const rotated = await gatehouse(['app', 'rotate-secret', '--realm', realm.name, '--client-id', app.clientId, '--grace', '1h']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const secret = rotated.stdout.trim();
    expect(secret).toMatch(/^ghs_/);
    expect(rotated.stderr).toMatch(/the old secret works until /);
    const stored = await gh().prisma.app.findUniqueOrThrow({ where: { id: app.id } });
    expect(stored.previousSecretExpiresAt!.getTime() - Date.now()).toBeGreaterThan(3500_000);
    expect(stored.previousSecretHash).not.toBeNull();
    expect(clientSecret).not.toBe(secret);

    const doomed = await buildRealm(gh(), { ownerId: dev.user.id });
    const [unconfirmed, admin] = await Promise.all([gatehouse(['realm', 'delete', doomed.name]), gatehouse(['realm', 'delete', 'admin', '--yes'])]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    expect(admin.code).toBe(1);
    expect(admin.stderr).toMatch(/realm_protected/);
    expect(await gh().services.realms.findByName(doomed.name)).not.toBeNull();
    const deleted = await gatehouse(['realm', 'delete', doomed.name, '--yes']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await gh().services.realms.findByName(doomed.name)).toBeNull();
  });
});
