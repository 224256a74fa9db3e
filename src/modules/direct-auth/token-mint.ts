// Mints the realm's real tokens for a user a developer backend authenticated through the direct
// API: the same oidc-provider models (Grant, AccessToken, RefreshToken, IdToken) the token
// endpoint builds in lib/helpers/grant_common.js issueTokens, saved through the realm's adapter.
// So the access token works at userinfo and introspection, the refresh token rotates at /token
// (RFC 6749 §6), the ID token is signed with the realm's keys, and the grant is in the account
// index: revocation (RFC 7009) and "sign out everywhere" apply to them like to any other.
// The provider needs a request context for its helpers; this one is made from the API request
// (provider.createContext) and nothing is ever written to it.
import type { Request, Response } from 'express';
import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import type { App } from '../../generated/prisma/client.js';
import { createFindAccount } from '../../oidc/account.js';
import type { RealmProvider } from '../../oidc/provider-factory.js';
import { createResourceIndicators } from '../../oidc/resources.js';

/** What the token endpoint calls grant_type in the audit log; it is no RFC 6749 grant. */
export const DIRECT_GRANT = 'direct_auth';

/** The scopes asked for when none are: everything the provider knows about a user, and a refresh token if the app may refresh. */
export const defaultScopes = (app: Pick<App, 'grantTypes'>) => (app.grantTypes.includes('refresh_token') ? 'openid profile email offline_access' : 'openid profile email');

/** RFC 6749 §5.1 access token response. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
  scope: string;
}

export interface MintRequest {
  app: App;
  userId: string;
  /** RFC 8176 authentication method references (pwd, ...). */
  amr: string[];
  /** Space-separated; checked by the caller (known scopes). */
  scope?: string;
  /** An API resource identifier of this realm (RFC 8707): the access token becomes an RFC 9068 JWT for it. */
  resource?: string;
}

export type MintResult = { ok: true; tokens: TokenResponse } | { ok: false; reason: 'unknown_client' | 'unknown_account' | 'invalid_resource' };

export async function mintTokens(realm: RealmProvider, req: Request, res: Response, input: MintRequest): Promise<MintResult> {
  const { provider, scope } = realm;
  const client = await provider.Client.find(input.app.clientId);
  if (!client) return { ok: false, reason: 'unknown_client' };
  const ctx = provider.createContext(req, res) as unknown as KoaContextWithOIDC;
  const oidc = new provider.OIDCContext(ctx);
  Object.defineProperty(ctx, 'oidc', { value: oidc });
  const mayRefresh = client.grantTypeAllowed('refresh_token');
  // offline_access asks for a refresh token (OIDC Core §11): not granted to an app that may not refresh.
  const scopes = [...new Set((input.scope ?? defaultScopes(input.app)).split(' ').filter((s) => s && (mayRefresh || s !== 'offline_access')))];
  (oidc as { params?: Record<string, unknown> }).params = { grant_type: DIRECT_GRANT, scope: scopes.join(' '), ...(input.resource ? { resource: input.resource } : {}) };
  oidc.entity('Client', client);

  const account: Account | undefined = await createFindAccount(scope.users)(ctx, input.userId);
  if (!account) return { ok: false, reason: 'unknown_account' };
  oidc.entity('Account', account);

  const resourceServer = input.resource ? await resourceServerFor(realm, ctx, input.resource, client.clientId) : undefined;
  if (input.resource && !resourceServer) return { ok: false, reason: 'invalid_resource' };
  const resourceScopes = resourceServer ? scopes.filter((s) => resourceServer.scopes.has(s)) : [];

  // First-party apps only (apps.schemas.ts directAuthProblem): no consent to ask, as in grants.ts.
  const grant = new provider.Grant({ accountId: account.accountId, clientId: client.clientId });
  const oidcScopes = scopes.filter((s) => !resourceScopes.includes(s));
  grant.addOIDCScope(oidcScopes.join(' '));
  if (resourceServer && input.resource) grant.addResourceScope(input.resource, resourceScopes.join(' '));
  const grantId = await grant.save();
  oidc.entity('Grant', grant);

  const authTime = Math.floor(Date.now() / 1000);
  const at = new provider.AccessToken({ accountId: account.accountId, client, grantId, gty: DIRECT_GRANT });
  if (resourceServer && input.resource) {
    at.resourceServer = resourceServer;
    at.scope = grant.getResourceScopeFiltered(input.resource, resourceScopes);
  } else {
    at.scope = grant.getOIDCScopeFiltered(new Set(oidcScopes));
  }
  oidc.entity('AccessToken', at);
  const accessToken = await at.save();

  // Like oidc-provider's default issueRefreshToken: the app may refresh and asked for offline_access.
  let refreshToken: string | undefined;
  if (mayRefresh && scopes.includes('offline_access')) {
    const rt = new provider.RefreshToken({
      accountId: account.accountId, amr: input.amr, authTime, client, grantId, gty: DIRECT_GRANT, rotations: 0,
      scope: [...oidcScopes, ...resourceScopes].join(' '), ...(input.resource ? { resource: input.resource } : {}),
    });
    oidc.entity('RefreshToken', rt);
    refreshToken = await rt.save();
  }

  let idToken: string | undefined;
  if (oidcScopes.includes('openid')) {
    const oidcScope = grant.getOIDCScopeFiltered(new Set(oidcScopes));
    const token = new provider.IdToken({ ...(await account.claims('id_token', oidcScope, {}, [])), sub: account.accountId }, { ctx });
    // How and when the user authenticated (OIDC Core §2): not scope claims, so never masked.
    token.set('amr', input.amr);
    token.set('auth_time', authTime);
    // conformIdTokenClaims (provider-factory.ts): with an access token for userinfo, profile claims
    // are fetched there, and the ID token carries only what scope openid gives (OIDC Core §5.4).
    (token as typeof token & { scope: string }).scope = resourceServer ? oidcScope : 'openid';
    idToken = await token.issue({ use: 'idtoken' });
  }

  // The realm's audit of token grants (provider-events.ts token.granted), as for /token.
  provider.emit('grant.success', ctx);
  return {
    ok: true,
    tokens: {
      access_token: accessToken, token_type: at.tokenType, expires_in: at.expiration,
      ...(refreshToken ? { refresh_token: refreshToken } : {}), ...(idToken ? { id_token: idToken } : {}), scope: at.scope ?? '',
    },
  };
}

/** The registered API's token settings, as /token would use them (src/oidc/resources.ts). */
async function resourceServerFor(realm: RealmProvider, ctx: KoaContextWithOIDC, identifier: string, clientId: string) {
  const resource = await realm.scope.apiResources.findByIdentifier(identifier);
  if (!resource) return undefined;
  const indicators = createResourceIndicators([resource], new Map(), realm.scope.settings.tokenLifetimes.accessToken);
  return new realm.provider.ResourceServer(identifier, await indicators.getResourceServerInfo(ctx, identifier, { clientId }));
}
