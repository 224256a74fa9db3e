// A realm may be named like one of its endpoints (`token-…`, `me-…`). oidc-provider finds its
// mount path as the part of the URL before the first occurrence of the endpoint's path, which in
// /realms/token-ab12/token is /realms, so it would compute the token endpoint as /realms/token and
// refuse every DPoP proof made for the real one (RFC 9449 §4.3 check 9: htu must equal the request
// URI). Every URL it computes comes from the realm's issuer instead (src/oidc/public-origin.ts).
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { buildApp, buildRealm, unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();

async function dpopBoundToken(realmName: string) {
  const realm = await buildRealm(gh(), { name: realmName });
  const { app, clientSecret } = await buildApp(gh(), realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
  const issuer = new URL(`${gh().url}/realms/${realm.name}`);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', [oauth.allowInsecureRequests]: true }));
  const client: oauth.Client = { client_id: app.clientId };
  const keyPair = await oauth.generateKeyPair('ES256');
  const DPoP = oauth.DPoP(client, keyPair);
  const auth = oauth.ClientSecretBasic(clientSecret!);
  const grant = () => oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams(), { DPoP, [oauth.allowInsecureRequests]: true });
  let response = await grant();
  // The first request learns the server's DPoP nonce if it asks for one (RFC 9449 §8).
  if (response.status === 400 && response.headers.has('dpop-nonce')) response = await grant();
  const body = await response.clone().json();
  return { as, response, body };
}

describe('a realm named like an endpoint', () => {
  it.each([['token-…', unique('token')], ['anything else', unique('plain')]])('issues DPoP-bound tokens in a realm named %s', async (_, name) => {
    const { as, response, body } = await dpopBoundToken(name);
    expect(as.token_endpoint).toBe(`${as.issuer}/token`);
    expect({ status: response.status, error: body.error_description }).toEqual({ status: 200, error: undefined });
    expect(body.token_type).toBe('DPoP');
  });
});
