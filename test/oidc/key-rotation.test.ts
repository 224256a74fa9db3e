// Signing key rotation: a new key is published before it signs, signs from its activation time,
// and the old key stays published so tokens it signed keep verifying.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { buildApp, buildRealm } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { discover, oidc } from '../support/relying-party.js';

const gh = useGatehouse();
beforeAll(async () => {
});

const API = 'https://api.example.com';

it('publishes the new key first, switches signing at activation, and keeps the old key published', async () => {
  const realm = await buildRealm(gh());
  await gh().services.forRealm(realm).apiResources.create({ identifier: API, name: 'API', scopes: ['read'] }, { actor: 'test' });
  const { app, clientSecret } = await buildApp(gh(), realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [], apiAccess: [{ resource: API, scopes: ['read'] }] });
  const issuer = `${gh().url}/realms/${realm.name}`;
  const config = await discover(issuer, app.clientId, clientSecret);
  const jwks = async () => ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string; alg: string }[] }).keys;
  const tokenKid = async () => {
    const { access_token } = await oidc.clientCredentialsGrant(config, { resource: API, scope: 'read' });
    return { kid: decodeProtectedHeader(access_token).kid, token: access_token };
  };

  const before = await jwks();
  expect(before.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
  const old = await tokenKid();
  expect(before.find((k) => k.alg === 'ES256')?.kid).toBe(old.kid);

  const rotation = await gh().services.forRealm(realm).signingKeys.rotate({ activateAfterSeconds: 2, maxTokenLifetimeSeconds: 3600 }, { actor: 'test' });
  await gh().services.realms.changed(realm.name);
  const audited = await gh().prisma.auditEvent.findMany({ where: { realmId: realm.id, action: 'keys.rotated' } });
  expect(audited).toMatchObject([{ actor: 'test', target: `realm:${realm.name}`, data: { added: rotation.kids } }]);
  expect([...(audited[0]!.data as { retiring: string[] }).retiring].sort()).toEqual(before.map((k) => k.kid).sort());

  // Published at once, not yet signing.
  const during = await jwks();
  expect(during.map((k) => k.kid)).toEqual(expect.arrayContaining([...before.map((k) => k.kid), ...rotation.kids]));
  expect((await tokenKid()).kid).toBe(old.kid);

  await new Promise((r) => setTimeout(r, 2200));
  const after = await tokenKid();
  expect(rotation.kids).toContain(after.kid);
  const published = (await jwks()).map((k) => k.kid);
  expect(published).toContain(old.kid);

  // Both the old and the new token verify against the realm's JWKS.
  const keySet = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  for (const token of [old.token, after.token]) {
    await expect(jwtVerify(token, keySet, { issuer, audience: API })).resolves.toBeTruthy();
  }
});

it('stops publishing a retired key once the tokens it signed have expired', async () => {
  const realm = await buildRealm(gh());
  const service = gh().services.forRealm(realm).signingKeys;
  const issuer = `${gh().url}/realms/${realm.name}`;
  const original = ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  await service.rotate({ activateAfterSeconds: 0, maxTokenLifetimeSeconds: 1 }, { actor: 'test' });
  await gh().services.realms.changed(realm.name);
  await new Promise((r) => setTimeout(r, 1500));
  const now = ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  expect(now).toHaveLength(2);
  expect(now.some((kid) => original.includes(kid))).toBe(false);
});
