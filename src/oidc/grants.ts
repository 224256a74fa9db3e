// Consent is remembered per user, app and scopes (Consent rows). loadExistingGrant turns a
// remembered consent into a grant, so the consent page shows only when an app asks for more
// than the user already allowed, and prompt=none works after the first consent.
// First-party apps get a grant for what they ask: there is no third party to consent to.
//
// The session keeps one grant per client and every authorization reuses it. Tokens die with
// their grant (oidc-provider checks it on every code and refresh_token exchange), and re-saving a
// grant keeps its first expiry (BaseToken.save saves with remainingTTL). So each authorization
// extends the grant to refreshTokenAbsolute from now: a refresh-token chain started by a sign-in
// on day 20 of a grant lives its promised absolute lifetime, not the 10 days the grant had left.
// Extending never lengthens an issued token: each has its own exp, and ttl.RefreshToken caps a
// chain at refreshTokenAbsolute after its first token (iiat).
import type { KoaContextWithOIDC, Grant } from 'oidc-provider';
import type { App } from '../generated/prisma/client.js';
import type { ConsentsRepo } from '../modules/consents/consents.repo.js';
import type { TokenLifetimes } from '../realms/realm-settings.js';

/** Resource scopes are remembered as "<resource> <scope>": a space never occurs in either (RFC 6749 §3.3). */
export const resourceScopeKey = (resource: string, scope: string) => `${resource} ${scope}`;

type GrantLifetimes = Pick<TokenLifetimes, 'refreshTokenAbsolute'>;

/**
 * Makes a stored grant live at least refreshTokenAbsolute from now (saved by the caller). A new
 * grant has no exp yet: it gets ttl.Grant (the same lifetime) when first saved.
 */
export function extendGrant(grant: Grant, lifetimes: GrantLifetimes) {
  const until = Math.floor(Date.now() / 1000) + lifetimes.refreshTokenAbsolute;
  if (grant.exp !== undefined && grant.exp < until) grant.exp = until;
}

export function createLoadExistingGrant(consents: ConsentsRepo, appsByClientId: Map<string, App>, lifetimes: GrantLifetimes) {
  async function withRememberedConsent(ctx: KoaContextWithOIDC, existing: Grant | undefined): Promise<Grant | undefined> {
    const { client, session, provider } = ctx.oidc;
    const app = client && appsByClientId.get(client.clientId);
    if (!client || !app || !session?.accountId) return existing;
    const requested = String(ctx.oidc.params?.scope ?? '').split(' ').filter(Boolean);
    const resource = ctx.oidc.params?.resource;
    const resources = typeof resource === 'string' ? [resource] : Array.isArray(resource) ? (resource as string[]) : [];

    let allowed: (scope: string) => boolean;
    if (app.firstParty) allowed = () => true;
    else {
      const remembered = await consents.find(session.accountId, app.id);
      if (!remembered) return existing;
      const set = new Set(remembered.scopes);
      allowed = (s) => set.has(s);
    }

    const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    const oidcScopes = requested.filter(allowed);
    if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
    for (const r of resources) {
      const scopes = requested.filter((s) => allowed(resourceScopeKey(r, s)));
      if (scopes.length) grant.addResourceScope(r, scopes.join(' '));
    }
    return grant;
  }

  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { client, session, provider } = ctx.oidc;
    if (!client || !session?.accountId) return undefined;
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    const existing = grantId ? await provider.Grant.find(grantId) : undefined;
    const grant = await withRememberedConsent(ctx, existing);
    if (!grant) return undefined;
    extendGrant(grant, lifetimes);
    await grant.save();
    return grant;
  };
}
