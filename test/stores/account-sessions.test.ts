// "Sign this user out everywhere" on each real store: the adapter records sessions and grants by
// account, and revokeAll removes them with every token of those grants, for that account only.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccountSessions } from '../../src/modules/sessions/account-sessions.js';
import { createArtifactProtector, type ArtifactProtector } from '../../src/stores/artifact-protection.js';
import { createAdapterFactory } from '../../src/stores/oidc-adapter.js';
import { artifactStoreKinds, openArtifactStore, type TestArtifactStore } from '../support/artifact-stores.js';

describe.each(artifactStoreKinds)('signing an account out everywhere on the %s store', (kind) => {
  let opened: TestArtifactStore;
  let protector: ArtifactProtector;
  const realmA = randomUUID();
  const realmB = randomUUID();
  beforeEach(async () => {
    opened = await openArtifactStore(kind);
    protector = createArtifactProtector(randomBytes(32));
  });
  afterEach(async () => {
    await opened.close();
  });

  /** One signed-in browser of `accountId` in `realm`: a session, a grant, and the grant's tokens. */
  async function signIn(realm: string, accountId: string, n: string) {
    const adapter = createAdapterFactory(opened.store, realm, protector);
    await adapter('Session').upsert(`s-${n}`, { jti: `s-${n}`, kind: 'Session', accountId, uid: `u-${n}` }, 600);
    await adapter('Grant').upsert(`g-${n}`, { jti: `g-${n}`, kind: 'Grant', accountId, clientId: 'app' }, 600);
    await adapter('RefreshToken').upsert(`r-${n}`, { jti: `r-${n}`, kind: 'RefreshToken', accountId, grantId: `g-${n}` }, 600);
    await adapter('AccessToken').upsert(`a-${n}`, { jti: `a-${n}`, kind: 'AccessToken', accountId, grantId: `g-${n}` }, 60);
    return {
      alive: async () => {
        const found = await Promise.all([adapter('Session').find(`s-${n}`), adapter('Grant').find(`g-${n}`), adapter('RefreshToken').find(`r-${n}`), adapter('AccessToken').find(`a-${n}`)]);
        return found.map(Boolean);
      },
    };
  }

  it("removes every session, grant and token of the account, on every browser, and nobody else's", async () => {
    const phone = await signIn(realmA, 'alice', '1');
    const laptop = await signIn(realmA, 'alice', '2');
    const bob = await signIn(realmA, 'bob', '3');
    // The same account id in another realm is another account.
    const aliceInB = await signIn(realmB, 'alice', '4');
    // A session saved again (every request touches it) is recorded once.
    await createAdapterFactory(opened.store, realmA, protector)('Session').upsert('s-1', { jti: 's-1', kind: 'Session', accountId: 'alice', uid: 'u-1' }, 600);

    await createAccountSessions(opened.store, realmA, protector).revokeAll('alice');

    expect(await phone.alive()).toEqual([false, false, false, false]);
    expect(await laptop.alive()).toEqual([false, false, false, false]);
    expect(await bob.alive()).toEqual([true, true, true, true]);
    expect(await aliceInB.alive()).toEqual([true, true, true, true]);
  });

  it('is a no-op for an account with nothing stored, and can run twice', async () => {
    const sessions = createAccountSessions(opened.store, realmA, protector);
    await sessions.revokeAll('nobody');
    const phone = await signIn(realmA, 'carol', '5');
    await sessions.revokeAll('carol');
    await sessions.revokeAll('carol');
    expect(await phone.alive()).toEqual([false, false, false, false]);
  });

  it('stores the account index under a keyed hash, not the account id', async () => {
    await signIn(realmA, 'dave@example.com', '6');
    const memory = opened.store as Partial<{ snapshot(): [string, unknown][] }>;
    const keys = (await opened.redisKeys()) ?? memory.snapshot?.().map(([k]) => k) ?? [];
    expect(keys.some((k) => k.includes(':Account:index:'))).toBe(true);
    expect(keys.join('\n')).not.toContain('dave@example.com');
  });
});
