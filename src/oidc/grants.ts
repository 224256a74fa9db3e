// Consent is remembered per user, app and scopes (Consent rows). loadExistingGrant turns a
// remembered consent into a grant, so the consent page shows only when an app asks for more
// than the user already allowed, and prompt=none works after the first consent.
// First-party apps get a grant for what they ask: there is no third party to consent to.
import type { KoaContextWithOIDC, Grant } from 'oidc-provider';
import type { App } from '../generated/prisma/client.js';
import type { ConsentsRepo } from '../modules/consents/consents.repo.js';

/** Resource scopes are remembered as "<resource> <scope>": a space never occurs in either (RFC 6749 §3.3). */
export const resourceScopeKey = (resource: string, scope: string) => `${resource} ${scope}`;

export function createLoadExistingGrant(consents: ConsentsRepo, appsByClientId: Map<string, App>) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { client, session, provider } = ctx.oidc;
    if (!client || !session?.accountId) return undefined;
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    const existing = grantId ? await provider.Grant.find(grantId) : undefined;

    const app = appsByClientId.get(client.clientId);
    if (!app) return existing;
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
    await grant.save();
    return grant;
  };
}
