// Issue #6 §6: read access to the artifact store must not be read access to the accounts. After
// a sign-in, a refresh and a client_credentials grant, every key and every value the store holds
// (Redis on the configured database when REDIS_URL is set, else the memory store's contents) is
// searched for the bearer values a client or browser holds: none may appear.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { MemoryArtifactStore } from '../../src/stores/memory-artifact-store.js';
import { buildApp } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { discover, oidc, signIn } from '../support/relying-party.js';
import { REDIRECT, setUpRealm } from '../security/support.js';

const gh = useGatehouse();
const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { protocol: 2 }) : undefined;
afterAll(() => redis?.disconnect());

/** Every key of the realm and everything stored under it, as one string. */
async function dumpRealm(realmId: string): Promise<{ keys: string[]; text: string }> {
  if (!redis) {
    const entries = (gh().stores.artifacts as MemoryArtifactStore).snapshot().filter(([key]) => key.includes(realmId));
    return { keys: entries.map(([key]) => key), text: JSON.stringify(entries, (_k, v: unknown) => (v instanceof Set ? [...v] : v)) };
  }
  const keys = await redis.keys(`*${realmId}*`);
  const values = await Promise.all(keys.map(async (key) => {
    const type = await redis.type(key);
    if (type === 'hash') return redis.hgetall(key);
    if (type === 'list') return redis.lrange(key, 0, -1);
    if (type === 'set') return redis.smembers(key);
    if (type === 'zset') return redis.zrange(key, '0', '-1', 'WITHSCORES');
    return redis.get(key);
  }));
  return { keys, text: JSON.stringify([keys, values]) };
}

describe('what the artifact store holds', () => {
  it('holds no access token, refresh token, code, session id or interaction id in keys or values', async () => {
    const setup = await setUpRealm(gh());
    const { tokens, browser, callback } = await signIn(setup.config, gh().url, {
      email: setup.user.email, password: setup.user.password, redirectUri: REDIRECT, scope: 'openid offline_access', prompt: 'consent',
    });
    const refreshed = await oidc.refreshTokenGrant(setup.config, tokens.refresh_token!);
    const service = await buildApp(gh(), setup.realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    const machine = await oidc.clientCredentialsGrant(await discover(setup.issuer, service.app.clientId, service.clientSecret), {});

    // Every value a browser or a client holds: tokens, the code, and every cookie (session, interaction).
    const cookies = (await browser.jar.serialize()).cookies.map((c) => String(c.value));
    const secrets = [
      tokens.access_token, tokens.refresh_token!, callback.searchParams.get('code')!,
      refreshed.access_token, refreshed.refresh_token!, machine.access_token, ...cookies,
    ].filter((v) => v.length >= 16);
    expect(secrets.length).toBeGreaterThanOrEqual(7);

    const dump = await dumpRealm(setup.realm.id);
    // The artifacts are there (so the search is not over an empty store): session, grant, tokens.
    for (const model of ['Session', 'Grant', 'RefreshToken', 'AccessToken', 'ClientCredentials']) {
      expect(dump.keys.some((k) => k.includes(`:${model}:`)), model).toBe(true);
    }
    for (const secret of secrets) expect(dump.text.includes(secret), 'a bearer value is in the store').toBe(false);
    // The tokens still work: the store finds them by their hashed names.
    expect((await oidc.tokenIntrospection(setup.config, refreshed.access_token)).active).toBe(true);
  });
});
