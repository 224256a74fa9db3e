// Codes and rotated refresh tokens are single-use under concurrency too (RFC 6749 §4.1.2, RFC 9700
// §4.14.2). oidc-provider reads the artifact, checks `consumed`, then calls the adapter's consume():
// two redemptions that both read before either consumes is the race. A barrier on the real
// artifact store (memory, or Redis when REDIS_URL is set) holds both reads until both requests
// made them, so the race happens every run instead of now and then.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../src/stores/oidc-adapter.js';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { discover, oidc, signIn } from '../support/relying-party.js';

const gh = useGatehouse();
beforeAll(async () => {
});

const REDIRECT = 'http://localhost:8080/cb';

/** Makes the first two reads of keys containing `part` wait for each other; returns the undo. */
function holdTwoReads(store: ArtifactStore, part: string): () => void {
  const original = store.get;
  const waiting: Array<() => void> = [];
  store.get = async (key) => {
    if (key.includes(part) && waiting.length < 2) {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 2) waiting.forEach((release) => release());
        setTimeout(resolve, 5000).unref();
      });
    }
    return original(key);
  };
  return () => {
    store.get = original;
  };
}

async function setUp() {
  const realm = await buildRealm(gh());
  const { app, clientSecret } = await buildApp(gh(), realm);
  const user = await buildUser(gh(), realm);
  const config = await discover(`${gh().url}/realms/${realm.name}`, app.clientId, clientSecret);
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(clientSecret!)}`).toString('base64')}`;
  return { realm, config, user, basic, tokenUrl: config.serverMetadata().token_endpoint! };
}

async function outcome(res: Response) {
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('single use under concurrency', () => {
  it('of two simultaneous redemptions of one authorization code, exactly one gets tokens', async () => {
    const { config, user } = await setUp();
    const outcomes: Array<{ status: number; body: Record<string, unknown> }> = [];
    // The relying party's code exchange is sent twice at once; it keeps the successful answer.
    config[oidc.customFetch] = async (url, options) => {
      if (!url.endsWith('/token')) return fetch(url, options as RequestInit);
      const release = holdTwoReads(gh().stores.artifacts, ':AuthorizationCode:');
      try {
        const both = await Promise.all([fetch(url, options as RequestInit), fetch(url, options as RequestInit)]);
        outcomes.push(...(await Promise.all(both.map((r) => outcome(r.clone())))));
        return both.find((r) => r.status === 200) ?? both[0]!;
      } finally {
        release();
      }
    };
    const { tokens } = await signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid offline_access', prompt: 'consent' });

    expect(outcomes.map((o) => o.status).sort()).toEqual([200, 400]);
    expect(outcomes.find((o) => o.status === 400)?.body.error).toBe('invalid_grant');
    // The replay revokes the grant (RFC 6749 §4.1.2), as a sequential replay does: the winner's
    // tokens die with it.
    delete config[oidc.customFetch];
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('of two simultaneous refreshes with one refresh token, exactly one gets tokens and the grant is revoked', async () => {
    const { realm, config, user, basic, tokenUrl } = await setUp();
    const { tokens } = await signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid offline_access', prompt: 'consent' });
    const refresh = () =>
      fetch(tokenUrl, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
      }).then(outcome);

    const release = holdTwoReads(gh().stores.artifacts, ':RefreshToken:');
    const outcomes = await Promise.all([refresh(), refresh()]).finally(release);

    expect(outcomes.map((o) => o.status).sort()).toEqual([200, 400]);
    expect(outcomes.find((o) => o.status === 400)?.body.error).toBe('invalid_grant');
    // RFC 9700 §4.14.2: the server cannot tell the attacker from the client, so it revokes the
    // active refresh token; the access token issued with it is dead too.
    const winner = outcomes.find((o) => o.status === 200)!.body;
    await expect(oidc.refreshTokenGrant(config, String(winner.refresh_token))).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(config, String(winner.access_token))).active).toBe(false);
    // Audited like a revocation oidc-provider makes itself.
    await gh().auditWriter.flush();
    expect(await gh().prisma.auditEvent.count({ where: { realmId: realm.id, action: 'grant.revoked' } })).toBe(1);
  });
});
