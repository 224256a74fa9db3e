// API resources (RFC 8707 resource indicators). A token requested for a registered resource is a
// JWT access token (RFC 9068, typ "at+jwt") with that resource as audience, verifiable with the
// realm's JWKS. Without a resource, access tokens are opaque and only good for userinfo.
// Who may get which scopes: with client_credentials the app acts on its own authority, so only
// the APIs and scopes it was given (App.apiAccess); in user flows the user's consent decides.
import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { ApiResource, App } from '../generated/prisma/client.js';
import { apiAccessOf } from '../modules/apps/apps.service.js';

export function createResourceIndicators(resources: ApiResource[], appsByClientId: ReadonlyMap<string, App>, accessTokenTtl: number) {
  const byIdentifier = new Map(resources.map((r) => [r.identifier, r]));

  /** The resource's scopes this request may get. */
  function scopesFor(ctx: KoaContextWithOIDC, resource: ApiResource, clientId: string): string[] {
    if (ctx.oidc.params?.grant_type !== 'client_credentials') return resource.scopes;
    const app = appsByClientId.get(clientId);
    const granted = app && apiAccessOf(app).find((e) => e.resource === resource.identifier);
    if (!granted) throw new errors.InvalidTarget('this app has not been given access to this API resource');
    const allowed = resource.scopes.filter((s) => granted.scopes.includes(s));
    // Some requested scopes allowed: oidc-provider narrows the token to them and, the scope then
    // differing from the request, returns `scope` (RFC 6749 §3.3, §5.1). None allowed: a token
    // with no scope at all is no answer to the request (RFC 6749 §5.2 invalid_scope).
    const requested = String(ctx.oidc.params?.scope ?? '').split(' ').filter(Boolean);
    if (requested.length && !requested.some((s) => allowed.includes(s))) {
      throw new errors.InvalidScope('none of the requested scopes has been given to this app for this API resource', requested.join(' '));
    }
    return allowed;
  }

  return {
    enabled: true,
    // One requested resource is the token's audience; none means an opaque userinfo token.
    defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: readonly string[]) => oneOf,
    // Refresh and code exchanges keep the resource the user granted (RFC 8707 §2.2).
    useGrantedResource: async () => true,
    async getResourceServerInfo(ctx: KoaContextWithOIDC, indicator: string, client: { clientId: string }): Promise<ResourceServer> {
      const resource = byIdentifier.get(indicator);
      if (!resource) throw new errors.InvalidTarget('resource indicator is not registered in this realm');
      return {
        scope: scopesFor(ctx, resource, client.clientId).join(' '),
        audience: resource.identifier,
        accessTokenTTL: resource.accessTokenTtl ?? accessTokenTtl,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      };
    },
  };
}
