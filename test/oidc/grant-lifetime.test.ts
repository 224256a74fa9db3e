// A refresh-token chain lives refreshTokenAbsolute from the sign-in that starts it, even when the
// browser's session reuses a grant created long before: the grant (which every refresh checks)
// must not end the chain early. The old grant's age is simulated by shortening its stored expiry
// through oidc-provider's own Grant model, as if the realm's absolute lifetime had almost passed.
import { expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { Browser } from '../support/browser.js';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';
import { discover, oidc, signIn } from '../support/relying-party.js';

const gh = useGatehouse();
const REDIRECT = 'http://localhost:8080/cb';
const ABSOLUTE = 900;
const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('gives a sign-in that reuses an old grant a refresh-token chain that outlives the old grant', async () => {
  const realm = await buildRealm(gh(), { tokenLifetimes: { refreshTokenAbsolute: ABSOLUTE, refreshTokenIdle: 600 } });
  const { app, clientSecret } = await buildApp(gh(), realm);
  const user = await buildUser(gh(), realm);
  const config = await discover(`${gh().url}/realms/${realm.name}`, app.clientId, clientSecret);
  const { provider } = (await gh().pool.get(realm.name))!;
  const grantOf = async (refreshToken: string) => {
    const token = await provider.RefreshToken.find(refreshToken);
    return token?.grantId ? provider.Grant.find(token.grantId) : undefined;
  };
  const signInOpts = { email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid offline_access', prompt: 'consent', browser: new Browser(gh().url) };

  const first = await signIn(config, gh().url, signInOpts);
  const grant = (await grantOf(first.tokens.refresh_token!))!;
  // The grant near the end of its life (day 29 of 30 with the default lifetimes).
  const oldEnd = now() + 5;
  grant.exp = oldEnd;
  await grant.save();

  // Same browser, same session: the session hands this grant to the new authorization.
  const second = await signIn(config, gh().url, signInOpts);
  expect(now(), 'the second sign-in finished while the old grant was still valid').toBeLessThan(oldEnd);
  const refreshToken = second.tokens.refresh_token!;
  const secondGrant = (await grantOf(refreshToken))!;
  expect(secondGrant.exp).toBeGreaterThanOrEqual(now() + ABSOLUTE - 5);

  // Past the old grant's end, the new chain still refreshes (it used to fail: "grant is expired").
  await sleep((oldEnd + 1 - now()) * 1000 + 200);
  const refreshed = await oidc.refreshTokenGrant(config, refreshToken);
  expect(refreshed).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String) });
  // The rotated token's own lifetime is still capped by the chain: idle 600 s, absolute 900 s.
  const introspected = await oidc.tokenIntrospection(config, refreshed.refresh_token!);
  expect(introspected).toMatchObject({ active: true, sub: user.id });
  expect(introspected.exp! - now()).toBeLessThanOrEqual(600);
});
