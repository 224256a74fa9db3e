// Who may introspect and revoke a token inside one realm: only the client it was issued to.
// RFC 7662 §4: others learn only active:false. RFC 7009 §2.1: a confidential client asking to
// revoke another client's token is refused with an error; a public client is answered as if it
// succeeded (so it cannot probe for token values) and the token stays valid.
import { beforeAll, expect, it } from 'vitest';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { discover, oidc, signIn } from '../support/relying-party.js';

const REDIRECT = 'http://localhost:8080/cb';

const gh = useGatehouse();
let realm: Awaited<ReturnType<typeof buildRealm>>;
let owner: oidc.Configuration;
let tokens: { access: string; refresh: string };
let issuer: string;
beforeAll(async () => {
  realm = await buildRealm(gh());
  issuer = `${gh().url}/realms/${realm.name}`;
  const { app, clientSecret } = await buildApp(gh(), realm, { firstParty: true });
  const user = await buildUser(gh(), realm);
  owner = await discover(issuer, app.clientId, clientSecret);
  const signedIn = await signIn(owner, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid offline_access', prompt: 'consent' });
  tokens = { access: signedIn.tokens.access_token, refresh: signedIn.tokens.refresh_token! };
});

/** Another app of the same realm. */
const other = async (type: 'service' | 'spa') => {
  const overrides = type === 'service' ? { type, redirectUris: [], postLogoutRedirectUris: [] } : { type };
  const { app, clientSecret } = await buildApp(gh(), realm, overrides);
  return discover(issuer, app.clientId, clientSecret);
};

it("answers active:false to another client's introspection, even a confidential service app's", async () => {
  const service = await other('service');
  for (const token of [tokens.access, tokens.refresh]) {
    expect(await oidc.tokenIntrospection(service, token)).toEqual({ active: false });
    expect((await oidc.tokenIntrospection(owner, token)).active).toBe(true);
  }
});

it("refuses a confidential client's revocation of another client's token with invalid_request, and keeps the token", async () => {
  const service = await other('service');
  await expect(oidc.tokenRevocation(service, tokens.refresh)).rejects.toMatchObject({ error: 'invalid_request', status: 400 });
  expect((await oidc.tokenIntrospection(owner, tokens.refresh)).active).toBe(true);
});

it("answers a public client's revocation of another client's token as done, without revoking it", async () => {
  const spa = await other('spa');
  await expect(oidc.tokenRevocation(spa, tokens.access)).resolves.toBeUndefined();
  expect((await oidc.tokenIntrospection(owner, tokens.access)).active).toBe(true);
});
