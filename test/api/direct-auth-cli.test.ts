// `gatehouse app create --direct-auth` and `gatehouse app update`, run as a child process the way
// an operator runs them, against a running Gatehouse's database: the same rule as the API
// (confidential first-party apps only), and the app then signs users in through the direct API.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRealm } from '../support/builders.js';
import { cliEnvOf, runCli } from '../support/cli.js';
import { useGatehouse } from '../support/gatehouse.js';
import { buildRealmKey } from './support.js';
import { newEmail, PASSWORD, post } from './direct-auth-support.js';

const gh = useGatehouse();
let realm: Awaited<ReturnType<typeof buildRealm>>;
let key: string;

beforeAll(async () => {
  realm = await buildRealm(gh());
  ({ key } = await buildRealmKey(gh(), realm));
});

const gatehouse = (args: string[]) => runCli(cliEnvOf(gh()), args);

describe('gatehouse app --direct-auth', () => {
  // Two rounds of CLI runs side by side (each run starts Node and tsx): a generous timeout for a loaded machine.
  it('creates a direct-auth app that signs users in, refuses a public one, and turns it off with update', { timeout: 60_000 }, async () => {
    const base = ['app', 'create', '--realm', realm.name, '--name', 'Backend', '--redirect-uri', 'http://localhost:8080/cb', '--json'];
    const [made, spa, plain] = await Promise.all([
      gatehouse([...base, '--type', 'web', '--first-party', '--direct-auth']),
      gatehouse([...base, '--type', 'spa', '--first-party', '--direct-auth']),
      gatehouse([...base, '--type', 'web', '--first-party']),
    ]);
    expect(made.code, made.stderr).toBe(0);
    const app = JSON.parse(made.stdout) as { clientId: string; directAuth: boolean };
    expect(app.directAuth).toBe(true);
    expect({ code: spa.code, stdout: spa.stdout }).toEqual({ code: 1, stdout: '' });
    expect(spa.stderr).toMatch(/direct_auth_not_allowed/);
    expect(plain.code, plain.stderr).toBe(0);
    const other = JSON.parse(plain.stdout) as { clientId: string; directAuth: boolean };
    expect(other.directAuth).toBe(false);

    const email = newEmail();
    expect((await post(gh(), { realm, key }, '/auth/sign-up', { clientId: app.clientId, email, password: PASSWORD })).status).toBe(201);

    const update = ['app', 'update', '--realm', realm.name];
    const [off, thirdParty, missing] = await Promise.all([
      gatehouse([...update, '--client-id', app.clientId, '--no-direct-auth', '--json']),
      gatehouse([...update, '--client-id', other.clientId, '--third-party', '--direct-auth']),
      gatehouse([...update, '--client-id', 'app_missing', '--direct-auth']),
    ]);
    expect(off.code, off.stderr).toBe(0);
    expect((JSON.parse(off.stdout) as { directAuth: boolean }).directAuth).toBe(false);
    expect((await post(gh(), { realm, key }, '/auth/sign-in', { clientId: app.clientId, email, password: PASSWORD })).body.code).toBe('direct_auth_disabled');
    expect(thirdParty.code).toBe(1);
    expect(thirdParty.stderr).toMatch(/direct_auth_not_allowed/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/app_not_found/);
  });
});
