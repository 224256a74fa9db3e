// Memory mode (no REDIS_URL): budgets by realm and by kind, in bytes. What anyone can make
// (interactions, pushed requests, replay records) and steady machine traffic (access tokens)
// must not evict what signed-in users hold (sessions, grants, refresh tokens, grant groups),
// and nothing of one realm may evict another realm's entries. Memory stays bounded all the same.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createArtifactProtector } from '../../src/stores/artifact-protection.js';
import { createMemoryArtifactStore, memoryLimits } from '../../src/stores/memory-artifact-store.js';
import { createAdapterFactory } from '../../src/stores/oidc-adapter.js';

const protector = createArtifactProtector(randomBytes(32));

/** A realm with a signed-in user: session (with its uid pointer), grant, refresh token in the grant. */
async function signedIn(store: ReturnType<typeof createMemoryArtifactStore>) {
  const realm = createAdapterFactory(store, randomUUID(), protector);
  await realm('Session').upsert('s1', { jti: 's1', kind: 'Session', uid: 'u1', accountId: 'a1' }, 3600);
  await realm('Grant').upsert('g1', { jti: 'g1', kind: 'Grant' }, 3600);
  await realm('RefreshToken').upsert('r1', { jti: 'r1', kind: 'RefreshToken', grantId: 'g1' }, 3600);
  return {
    realm,
    async expectIntact() {
      expect(await realm('Session').findByUid('u1')).toMatchObject({ accountId: 'a1' });
      expect(await realm('Grant').find('g1')).toMatchObject({ kind: 'Grant' });
      expect(await realm('RefreshToken').find('r1')).toMatchObject({ grantId: 'g1' });
      // The grant group survived too: revoking the grant still reaches its refresh token.
      await realm('RefreshToken').revokeByGrantId('g1');
      expect(await realm('RefreshToken').find('r1')).toBeUndefined();
    },
  };
}

/** A client_credentials token as oidc-provider stores it (about 400 bytes of JSON). */
const clientCredentials = (i: number) => ({
  jti: `cc${i}`, kind: 'ClientCredentials', iat: 1_790_000_000, exp: 1_790_003_600, clientId: 'app-0123456789abcdef',
  aud: 'https://api.example.com', scope: 'read write', extra: {}, 'x5t#S256': undefined, jkt: undefined,
});

describe('memory artifact store budgets', () => {
  it('keeps sessions, grants and refresh tokens (own realm and others) through 50k client_credentials tokens', async () => {
    // 1 MiB per realm: access tokens get 35% of it, so 50k tokens pass their budget ~40 times over
    // (test/security/flood-tokens.test.ts sends 250k through the running server).
    const store = createMemoryArtifactStore(memoryLimits(1, 1000));
    const other = await signedIn(store);
    const own = await signedIn(store);
    const tokens = own.realm('ClientCredentials');
    for (let i = 0; i < 50_000; i++) await tokens.upsert(`cc${i}`, clientCredentials(i), 3600);

    await own.expectIntact();
    await other.expectIntact();
    // Bounded: the oldest tokens went, the newest are there.
    expect(await tokens.find('cc0')).toBeUndefined();
    expect(await tokens.find('cc49999')).toMatchObject({ clientId: 'app-0123456789abcdef' });
    const bytes = store.snapshot().reduce((n, [key, entry]) => n + key.length + (entry.artifact?.sealed.length ?? 0), 0);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
  }, 120_000);

  it('keeps sign-ins of every realm through a flood of interactions, pushed requests and replay records', async () => {
    const store = createMemoryArtifactStore(memoryLimits(1, 100));
    const other = await signedIn(store);
    const own = await signedIn(store);
    const started = own.realm('Interaction');
    await started.upsert('victim', { jti: 'victim', kind: 'Interaction', uid: 'victim' }, 3600);
    const flood = { Interaction: own.realm('Interaction'), PushedAuthorizationRequest: own.realm('PushedAuthorizationRequest'), ReplayDetection: own.realm('ReplayDetection') };
    for (let i = 0; i < 3000; i++) {
      for (const [kind, adapter] of Object.entries(flood)) await adapter.upsert(`f${i}`, { jti: `f${i}`, kind, params: { pad: 'x'.repeat(500) } }, 3600);
    }
    await own.expectIntact();
    await other.expectIntact();
  });

  it('refuses new pending artifacts once a realm holds its bound, admits them again as they go, and other realms are unaffected', async () => {
    const store = createMemoryArtifactStore(memoryLimits(1, 10));
    const full = randomUUID();
    const pars = createAdapterFactory(store, full, protector)('PushedAuthorizationRequest');
    for (let i = 0; i < 10; i++) await pars.upsert(`p${i}`, { jti: `p${i}`, kind: 'PushedAuthorizationRequest' }, 30);

    expect(await store.admitPending(full)).toEqual({ ok: false, retryAfterSeconds: 30 });
    expect(await store.admitPending(randomUUID())).toEqual({ ok: true });
    // A used pushed request is destroyed by oidc-provider: that frees its place.
    await pars.destroy('p0');
    expect(await store.admitPending(full)).toEqual({ ok: true });
  });

  it('keeps at most its bound of pending artifacts when writes race past the check: the least recently used goes', async () => {
    const store = createMemoryArtifactStore(memoryLimits(1, 10));
    const realmId = randomUUID();
    const pars = createAdapterFactory(store, realmId, protector)('PushedAuthorizationRequest');
    for (let i = 0; i < 12; i++) await pars.upsert(`p${i}`, { jti: `p${i}`, kind: 'PushedAuthorizationRequest' }, 30);

    expect(await pars.find('p0')).toBeUndefined();
    expect(await pars.find('p1')).toBeUndefined();
    expect(await pars.find('p2')).toMatchObject({ jti: 'p2' });
    expect(await pars.find('p11')).toMatchObject({ jti: 'p11' });
    // Writing one it holds again is no new entry: nothing else goes.
    await pars.upsert('p11', { jti: 'p11', kind: 'PushedAuthorizationRequest' }, 30);
    expect(await pars.find('p2')).toMatchObject({ jti: 'p2' });
  });

  it('counts pending artifacts by bytes as well as by number', async () => {
    // 1 MiB per realm: 12% for pending requests, ~125 KiB.
    const store = createMemoryArtifactStore(memoryLimits(1, 10_000));
    const realmId = randomUUID();
    const pars = createAdapterFactory(store, realmId, protector)('PushedAuthorizationRequest');
    let admitted = 0;
    while ((await store.admitPending(realmId)).ok && admitted < 1000) {
      await pars.upsert(`p${admitted}`, { jti: `p${admitted}`, kind: 'PushedAuthorizationRequest', params: { request: 'x'.repeat(10_000) } }, 60);
      admitted++;
    }
    expect(admitted).toBeGreaterThan(5);
    expect(admitted).toBeLessThan(15);
  });

  it('evicts least recently used sessions when sessions alone pass their own budget', async () => {
    const store = createMemoryArtifactStore(memoryLimits(1, 10));
    const sessions = createAdapterFactory(store, randomUUID(), protector)('Session');
    for (let i = 0; i < 5000; i++) await sessions.upsert(`s${i}`, { jti: `s${i}`, kind: 'Session' }, 3600);
    expect(await sessions.find('s0')).toBeUndefined();
    expect(await sessions.find('s4999')).toMatchObject({ kind: 'Session' });
  });
});
