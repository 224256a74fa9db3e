// Two Gatehouse instances sharing PostgreSQL and Redis, as N stateless processes would: an app
// created through one is usable at once through the other (the realm-changed announcement makes
// every instance rebuild the realm's provider), and a session or code from one is good on the other.
// Needs Redis: this file runs in the PostgreSQL + Redis pass of .ci/run (REDIS_URL set).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { discover, oidc, signIn } from '../support/relying-party.js';

/** Sends the relying party's back-channel requests (token, introspection, ...) to another instance. */
function via(config: oidc.Configuration, from: TestGatehouse, to: TestGatehouse) {
  config[oidc.customFetch] = (url, options) => fetch(url.replace(from.url, to.url), options as RequestInit);
  return config;
}

describe.runIf(process.env.REDIS_URL)('two instances on one PostgreSQL and Redis', () => {
  let one: TestGatehouse;
  let two: TestGatehouse;
  beforeAll(async () => {
    one = await startTestGatehouse();
    // Same public BASE_URL, as behind a load balancer.
    two = await startTestGatehouse({ BASE_URL: one.config.baseUrl }, { shareWith: one });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('an app created on one instance works at once on the other, which had the realm cached', async () => {
    const realm = await buildRealm(one);
    // Warm instance two's provider cache for this realm before the app exists.
    expect((await fetch(`${two.url}/realms/${realm.name}/.well-known/openid-configuration`)).status).toBe(200);
    const { app, clientSecret } = await buildApp(one, realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    const config = via(await discover(`${one.url}/realms/${realm.name}`, app.clientId, clientSecret), one, two);
    const token = await oidc.clientCredentialsGrant(config);
    expect(token.token_type).toBe('bearer');
  });

  it('a user signs in on one instance and the code is redeemed on the other', async () => {
    const realm = await buildRealm(one);
    const { app, clientSecret } = await buildApp(one, realm);
    const user = await buildUser(one, realm);
    const config = via(await discover(`${one.url}/realms/${realm.name}`, app.clientId, clientSecret), one, two);
    // The browser talks to instance one; the code exchange and userinfo go to instance two.
    const { tokens } = await signIn(config, one.url, { email: user.email, password: user.password, redirectUri: 'http://localhost:8080/cb', browser: new Browser(one.url) });
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(await oidc.fetchUserInfo(config, tokens.access_token, user.id)).toMatchObject({ email: user.email });
  });
});
