// Mints the realm's real tokens for a user a developer backend authenticated through the direct
// API: the same oidc-provider models (Grant, AccessToken, RefreshToken, IdToken) the token
// endpoint builds in lib/helpers/grant_common.js issueTokens, saved through the realm's adapter.
// So the access token works at userinfo and introspection, the refresh token rotates at /token
// (RFC 6749 §6), the ID token is signed with the realm's keys, and the grant is in the account
// index: revocation (RFC 7009) and "sign out everywhere" apply to them like to any other.
// The provider needs a request context for its helpers; this one is made from the API request
// (provider.createContext) and nothing is ever written to it.
import type { Request, Response } from 'express';
import type { Account, Client, KoaContextWithOIDC, ResourceServerInstance } from 'oidc-provider';
import type { App, User } from '../../generated/prisma/client.js';
import { createFindAccount } from '../../oidc/account.js';
import type { UsersRepo } from '../users/users.repo.js';
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
  /** The user as just read by the caller (it is not read again). */
  user: User;
  /** RFC 8176 authentication method references (pwd, ...). */
  amr: string[];
  /** Space-separated; checked by the caller (known scopes). */
  scope?: string;
  /** An API resource identifier of this realm (RFC 8707): the access token becomes an RFC 9068 JWT for it. */
  resource?: string;
}

export type MintResult = { ok: true; tokens: TokenResponse } | { ok: false; reason: 'unknown_client' | 'unknown_account' | 'invalid_resource' };

/** A token request context of the realm's provider, made from the API request (nothing is written to it). */
function contextFor(realm: RealmProvider, req: Request, res: Response, client: Client, params: Record<string, unknown>): KoaContextWithOIDC {
  const ctx = realm.provider.createContext(req, res) as unknown as KoaContextWithOIDC;
  const oidc = new realm.provider.OIDCContext(ctx);
  Object.defineProperty(ctx, 'oidc', { value: oidc });
  (oidc as { params?: Record<string, unknown> }).params = params;
  oidc.entity('Client', client);
  return ctx;
}

/** What was granted: OIDC scopes, and the scopes of the one API resource asked for. */
interface Granted {
  grantId: string;
  oidcScopes: string[];
  resource?: { identifier: string; server: ResourceServerInstance; scopes: string[] };
}

/** The grant, saved through the realm's adapter (so the account index holds it). First-party apps only: no consent to ask, as in grants.ts. */
async function saveGrant(ctx: KoaContextWithOIDC, accountId: string, scopes: string[], resource?: { identifier: string; server: ResourceServerInstance }): Promise<Granted> {
  const { provider, client } = ctx.oidc;
  const resourceScopes = resource ? scopes.filter((s) => resource.server.scopes.has(s)) : [];
  const oidcScopes = scopes.filter((s) => !resourceScopes.includes(s));
  const grant = new provider.Grant({ accountId, clientId: client!.clientId });
  grant.addOIDCScope(oidcScopes.join(' '));
  if (resource) grant.addResourceScope(resource.identifier, resourceScopes.join(' '));
  ctx.oidc.entity('Grant', grant);
  return { grantId: await grant.save(), oidcScopes, ...(resource ? { resource: { ...resource, scopes: resourceScopes } } : {}) };
}

async function issueAccessToken(ctx: KoaContextWithOIDC, accountId: string, granted: Granted) {
  const { provider, client, grant } = ctx.oidc;
  const at = new provider.AccessToken({ accountId, client: client!, grantId: granted.grantId, gty: DIRECT_GRANT });
  if (granted.resource) {
    // An RFC 9068 JWT for that API, as /token issues it (resources.ts).
    at.resourceServer = granted.resource.server;
    at.scope = grant!.getResourceScopeFiltered(granted.resource.identifier, granted.resource.scopes);
  } else {
    at.scope = grant!.getOIDCScopeFiltered(new Set(granted.oidcScopes));
  }
  ctx.oidc.entity('AccessToken', at);
  return { value: await at.save(), tokenType: at.tokenType, expiresIn: (at as typeof at & { expiration: number }).expiration, scope: at.scope ?? '' };
}

/** Like oidc-provider's default issueRefreshToken: the app may refresh and asked for offline_access. */
async function issueRefreshToken(ctx: KoaContextWithOIDC, accountId: string, granted: Granted, amr: string[], authTime: number) {
  const { provider, client } = ctx.oidc;
  if (!client!.grantTypeAllowed('refresh_token') || !granted.oidcScopes.includes('offline_access')) return undefined;
  const rt = new provider.RefreshToken({
    accountId, amr, authTime, client: client!, grantId: granted.grantId, gty: DIRECT_GRANT, rotations: 0,
    scope: [...granted.oidcScopes, ...(granted.resource?.scopes ?? [])].join(' '), ...(granted.resource ? { resource: granted.resource.identifier } : {}),
  });
  ctx.oidc.entity('RefreshToken', rt);
  return rt.save();
}

/** Signed with the realm's keys (lib/models/id_token.js), as issueIdToken in grant_common.js does. */
async function issueIdToken(ctx: KoaContextWithOIDC, account: Account, granted: Granted, amr: string[], authTime: number) {
  if (!granted.oidcScopes.includes('openid')) return undefined;
  const oidcScope = ctx.oidc.grant!.getOIDCScopeFiltered(new Set(granted.oidcScopes));
  const token = new ctx.oidc.provider.IdToken({ ...(await account.claims('id_token', oidcScope, {}, [])), sub: account.accountId }, { ctx });
  // How and when the user authenticated (OIDC Core §2): not scope claims, so never masked.
  token.set('amr', amr);
  token.set('auth_time', authTime);
  // conformIdTokenClaims (provider-factory.ts): with an access token for userinfo, profile claims
  // are fetched there, and the ID token carries only what scope openid gives (OIDC Core §5.4).
  (token as typeof token & { scope: string }).scope = granted.resource ? oidcScope : 'openid';
  return token.issue({ use: 'idtoken' });
}

export async function mintTokens(realm: RealmProvider, req: Request, res: Response, input: MintRequest): Promise<MintResult> {
  const client = await realm.provider.Client.find(input.app.clientId);
  if (!client) return { ok: false, reason: 'unknown_client' };
  // offline_access asks for a refresh token (OIDC Core §11): not granted to an app that may not refresh.
  const mayRefresh = client.grantTypeAllowed('refresh_token');
  const scopes = [...new Set((input.scope ?? defaultScopes(input.app)).split(' ').filter((s) => s && (mayRefresh || s !== 'offline_access')))];
  const ctx = contextFor(realm, req, res, client, { grant_type: DIRECT_GRANT, scope: scopes.join(' '), ...(input.resource ? { resource: input.resource } : {}) });

  // The row the caller just read stands in for findAccount's read (one query less per sign-in);
  // anything else (roles) is still read through the realm's repo.
  // (findAccount only awaits findById: a plain promise serves where Prisma's fluent one is typed.)
  const findById = async (id: string) => (id === input.user.id ? input.user : realm.scope.users.findById(id));
  const users = { ...realm.scope.users, findById: findById as unknown as UsersRepo['findById'] };
  const account = await createFindAccount(users)(ctx, input.user.id);
  if (!account) return { ok: false, reason: 'unknown_account' };
  ctx.oidc.entity('Account', account);
  const server = input.resource ? await resourceServerFor(realm, ctx, input.resource, client.clientId) : undefined;
  if (input.resource && !server) return { ok: false, reason: 'invalid_resource' };

  const granted = await saveGrant(ctx, account.accountId, scopes, input.resource && server ? { identifier: input.resource, server } : undefined);
  const authTime = Math.floor(Date.now() / 1000);
  const at = await issueAccessToken(ctx, account.accountId, granted);
  const refreshToken = await issueRefreshToken(ctx, account.accountId, granted, input.amr, authTime);
  const idToken = await issueIdToken(ctx, account, granted, input.amr, authTime);
  // The realm's audit of token grants (provider-events.ts token.granted), as for /token.
  realm.provider.emit('grant.success', ctx);
  return {
    ok: true,
    tokens: {
      access_token: at.value, token_type: at.tokenType, expires_in: at.expiresIn,
      ...(refreshToken ? { refresh_token: refreshToken } : {}), ...(idToken ? { id_token: idToken } : {}), scope: at.scope,
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
