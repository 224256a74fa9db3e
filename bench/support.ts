// What the benchmarks share: the client_credentials request they send, and a whole Gatehouse
// (the one the tests start) with its token limits out of the way, to send it to.
import { buildApp, buildRealm } from '../test/support/builders.js';
import { startTestGatehouse } from '../test/support/gatehouse.js';

/** autocannon options for one client_credentials token request with HTTP Basic client authentication. */
export const tokenRequest = (url: string, clientId: string, secret: string, connections: number) => ({
  url,
  method: 'POST' as const,
  connections,
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
  body: 'grant_type=client_credentials',
});

/** Starts a Gatehouse with a realm and a service app, runs `measure` on its token endpoint, stops it. */
export async function measureGatehouse<T>(logLevel: string, measure: (url: string, clientId: string, secret: string) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const gh = await startTestGatehouse({ LOG_LEVEL: logLevel, RATE_LIMIT_TOKEN_PER_IP: '100000000', RATE_LIMIT_TOKEN_PER_CLIENT: '100000000', ...env });
  try {
    const realm = await buildRealm(gh);
    const { app, clientSecret } = await buildApp(gh, realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    return await measure(`${gh.url}/realms/${realm.name}/token`, app.clientId, clientSecret!);
  } finally {
    await gh.close();
  }
}
