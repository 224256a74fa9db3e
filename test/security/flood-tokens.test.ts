// Issue #6 §1, the other flood: steady client_credentials traffic (the review saw 210k tokens)
// evicted a signed-in user's session, grant and refresh token from the memory store, because
// short-lived access tokens shared one LRU with them. Now access tokens have a budget of their
// own per realm: 250k client_credentials-sized tokens later, the user's session still signs
// them in without a password and the refresh token still refreshes. Memory mode only (REDIS_URL
// unset for this file): Redis keeps every key to its TTL and Gatehouse evicts nothing there.
// The budget is lowered to 1 MiB per realm so 250k tokens overflow it ~700 times; they are
// written through the realm's own adapter, exactly as oidc-provider stores a ClientCredentials.
import { describe, expect, it } from 'vitest';
import { createArtifactProtector } from '../../src/stores/artifact-protection.js';
import { createAdapterFactory } from '../../src/stores/oidc-adapter.js';
import { useGatehouse } from '../support/gatehouse.js';
import { oidc, signIn } from '../support/relying-party.js';
import { authorization, REDIRECT, setUpRealm } from './support.js';

const gh = useGatehouse({ REDIS_URL: '', MEMORY_STORE_MIB_PER_REALM: '1' });

describe('client_credentials flood in memory mode', () => {
  it('keeps an earlier session and refresh token through 250k access tokens in the same realm', async () => {
    const setup = await setUpRealm(gh());
    const { tokens, browser } = await signIn(setup.config, gh().url, {
      email: setup.user.email, password: setup.user.password, redirectUri: REDIRECT, scope: 'openid offline_access', prompt: 'consent',
    });

    const store = createAdapterFactory(gh().stores.artifacts, setup.realm.id, createArtifactProtector(gh().config.masterKey))('ClientCredentials');
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 250_000; i++) {
      // Let I/O run now and then, as it would between real requests (idle keep-alive sockets close).
      if (i % 1000 === 0) await new Promise(setImmediate);
      const jti = `${i}`.padStart(43, 'c');
      await store.upsert(jti, { jti, kind: 'ClientCredentials', iat: now, exp: now + 3600, clientId: setup.app.clientId, aud: 'https://api.example.com', scope: 'read', extra: {} }, 3600);
    }

    // The refresh token still refreshes (its grant is there too, or the refresh would be refused).
    const refreshed = await oidc.refreshTokenGrant(setup.config, tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
    // The session still signs the user in: a new authorization returns to the client with no login page.
    const again = await authorization(setup.config);
    const page = await browser.navigate(again.url);
    expect(page.leftTo, page.html.slice(0, 300)).toMatch(/[?&]code=/);
    expect((await again.redeem(page.leftTo)).access_token).toEqual(expect.any(String));
  }, 300_000);
});
