// A change made by another process on the same database (the CLI beside a running server) reaches
// the running server at once, not when its cached provider reaches the pool's max age (5 minutes):
// without Redis through PostgreSQL LISTEN/NOTIFY (src/stores/postgres-realm-events.ts), with
// Redis through its pub/sub. Both runs of the suite (memory stores, then Redis) pass through here.
import { describe, expect, it } from 'vitest';
import { buildApp, buildRealm, unique } from '../support/builders.js';
import { cliEnvOf, runCli } from '../support/cli.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();
const gatehouse = (args: string[]) => runCli(cliEnvOf(gh()), args);

function clientCredentials(realmName: string, clientId: string, secret: string) {
  return fetch(`${gh().url}/realms/${realmName}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
}

/** The status `request` answers once it is no longer `from` (the announcement is asynchronous), within 10 s. */
async function statusOnceChanged(request: () => Promise<Response>, from: number): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const { status } = await request();
    if (status !== from) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return from;
}

describe('changes made through the CLI while the server runs', { timeout: 60_000 }, () => {
  it('a secret rotated with no grace stops working at once, and a deleted realm stops being served', async () => {
    const realm = await buildRealm(gh());
    const { app, clientSecret } = await buildApp(gh(), realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    // The server has the realm's provider and the app cached.
    expect((await clientCredentials(realm.name, app.clientId, clientSecret!)).status).toBe(200);
    const discovery = () => fetch(`${gh().url}/realms/${realm.name}/.well-known/openid-configuration`);
    expect((await discovery()).status).toBe(200);

    const rotated = await gatehouse(['app', 'rotate-secret', '--realm', realm.name, '--client-id', app.clientId, '--grace', '0']);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(await statusOnceChanged(() => clientCredentials(realm.name, app.clientId, clientSecret!), 200)).toBe(401);
    expect((await clientCredentials(realm.name, app.clientId, rotated.stdout.trim())).status).toBe(200);

    const deleted = await gatehouse(['realm', 'delete', realm.name, '--yes']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await statusOnceChanged(discovery, 200)).toBe(404);
  });

  it('a realm created through the CLI is served at once, though its name was just answered 404', async () => {
    const name = unique('later');
    const discovery = () => fetch(`${gh().url}/realms/${name}/.well-known/openid-configuration`);
    expect((await discovery()).status).toBe(404);
    // The server remembers the name as missing for a few seconds; the creation's announcement,
    // heard here as the server hears it, makes it forget.
    const announced = new Promise<void>((resolve) => gh().stores.events.onChanged((changed) => changed === name && resolve()));
    const created = await gatehouse(['realm', 'create', name]);
    expect(created.code, created.stderr).toBe(0);
    await announced;
    expect((await discovery()).status).toBe(200);
  });
});
