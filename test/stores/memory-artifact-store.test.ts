// Memory mode (no REDIS_URL): an unauthenticated flood of GET /authorize stores one Interaction
// per request. It must not evict what signed-in users and authenticated clients hold: sessions,
// grants and refresh tokens, of any realm. Memory stays bounded all the same.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryArtifactStore } from '../../src/stores/memory-artifact-store.js';
import { createAdapterFactory } from '../../src/stores/oidc-adapter.js';

describe('memory artifact store', () => {
  it('keeps sessions, refresh tokens and grant groups of another realm through an interaction flood', async () => {
    const store = createMemoryArtifactStore({ authenticated: 50, unauthenticated: 100 });
    const victim = createAdapterFactory(store, randomUUID());
    const attacked = createAdapterFactory(store, randomUUID());
    await victim('Session').upsert('s1', { jti: 's1', kind: 'Session', uid: 'u1', accountId: 'a1' }, 3600);
    await victim('Grant').upsert('g1', { jti: 'g1', kind: 'Grant' }, 3600);
    await victim('RefreshToken').upsert('r1', { jti: 'r1', kind: 'RefreshToken', grantId: 'g1' }, 3600);

    const interactions = attacked('Interaction');
    const pars = attacked('PushedAuthorizationRequest');
    for (let i = 0; i < 1000; i++) {
      await interactions.upsert(`i${i}`, { jti: `i${i}`, kind: 'Interaction' }, 3600);
      await pars.upsert(`p${i}`, { jti: `p${i}`, kind: 'PushedAuthorizationRequest' }, 60);
    }

    expect(await victim('Session').findByUid('u1')).toMatchObject({ accountId: 'a1' });
    expect(await victim('RefreshToken').find('r1')).toMatchObject({ grantId: 'g1' });
    // The grant group survived too: revoking the grant still reaches its refresh token.
    await victim('RefreshToken').revokeByGrantId('g1');
    expect(await victim('RefreshToken').find('r1')).toBeUndefined();
    // Bounded: the oldest unauthenticated artifacts went, the newest are there.
    expect(await interactions.find('i0')).toBeUndefined();
    expect(await pars.find('p999')).toMatchObject({ kind: 'PushedAuthorizationRequest' });
  });

  it('evicts least recently used sessions when sessions alone pass their own bound', async () => {
    const store = createMemoryArtifactStore({ authenticated: 10, unauthenticated: 10 });
    const sessions = createAdapterFactory(store, randomUUID())('Session');
    for (let i = 0; i < 20; i++) await sessions.upsert(`s${i}`, { jti: `s${i}`, kind: 'Session' }, 3600);
    expect(await sessions.find('s0')).toBeUndefined();
    expect(await sessions.find('s19')).toMatchObject({ kind: 'Session' });
  });
});
