// API resources (RFC 8707 resource indicators). A token requested for a registered resource is a
// JWT access token (RFC 9068, typ "at+jwt") with that resource as audience, verifiable with the
// realm's JWKS. Without a resource, access tokens are opaque and only good for userinfo.
import { errors, type ResourceServer } from 'oidc-provider';
import type { ApiResource } from '../generated/prisma/client.js';

export function createResourceIndicators(resources: ApiResource[], accessTokenTtl: number) {
  const byIdentifier = new Map(resources.map((r) => [r.identifier, r]));
  return {
    enabled: true,
    // One requested resource is the token's audience; none means an opaque userinfo token.
    defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: readonly string[]) => oneOf,
    // Refresh and code exchanges keep the resource the user granted (RFC 8707 §2.2).
    useGrantedResource: async () => true,
    async getResourceServerInfo(_ctx: unknown, indicator: string): Promise<ResourceServer> {
      const resource = byIdentifier.get(indicator);
      if (!resource) throw new errors.InvalidTarget('resource indicator is not registered in this realm');
      return {
        scope: resource.scopes.join(' '),
        audience: resource.identifier,
        accessTokenTTL: resource.accessTokenTtl ?? accessTokenTtl,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      };
    },
  };
}
