// How an App row becomes oidc-provider client metadata (OpenID Connect Dynamic Client
// Registration 1.0 §2 names). The app type decides the authentication method:
// web and service apps are confidential, spa and native apps are public (RFC 8252, RFC 6749 §2.1).
import type { ClientMetadata } from 'oidc-provider';
import type { App } from '../generated/prisma/client.js';

type AuthMethod = NonNullable<ClientMetadata['token_endpoint_auth_method']>;

export function toClientMetadata(app: App): ClientMetadata {
  const confidential = app.type === 'web' || app.type === 'service';
  const grantTypes = app.grantTypes;
  const usesCode = grantTypes.includes('authorization_code');
  return {
    client_id: app.clientId,
    client_name: app.name,
    // oidc-provider compares this with the presented secret through compareClientSecret, which
    // the provider factory replaces by a hash comparison: only the SHA-256 is ever held.
    ...(confidential && app.clientSecretHash ? { client_secret: app.clientSecretHash } : {}),
    // Enforced as registered: a client_secret_basic app presenting its secret in the body is
    // refused, and the other way round (RFC 6749 §2.3, OpenID Connect Core §9; see
    // src/oidc/client-auth.ts: oidc-provider alone accepts either of the two).
    token_endpoint_auth_method: tokenEndpointAuthMethodOf(app),
    application_type: app.type === 'native' ? 'native' : 'web',
    grant_types: grantTypes,
    response_types: usesCode ? ['code'] : [],
    redirect_uris: usesCode ? app.redirectUris : [],
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    id_token_signed_response_alg: 'ES256',
  };
}

/** Web and service apps hold a secret (confidential clients, RFC 6749 §2.1). */
export function isConfidential(app: Pick<App, 'type'>): boolean {
  return app.type === 'web' || app.type === 'service';
}

/** The registered token endpoint auth method: the app's choice if confidential, else none. */
export function tokenEndpointAuthMethodOf(app: Pick<App, 'type' | 'tokenEndpointAuthMethod'>): AuthMethod {
  // The column holds one of SECRET_AUTH_METHODS: written only through the apps service's schema.
  return isConfidential(app) ? (app.tokenEndpointAuthMethod as AuthMethod) : 'none';
}

/**
 * PKCE (S256) on every authorization request of a public app, and of a confidential app unless it
 * opted out (requirePkce false): RFC 9700 §2.1.1 recommends it for all, but OpenID's Basic OP
 * certification plan and some server-side relying parties send none from confidential clients,
 * whose code is bound to them by the client secret. An unknown client gets the strict answer.
 */
export function requiresPkce(app: Pick<App, 'type' | 'requirePkce'> | undefined): boolean {
  return !app || !isConfidential(app) || app.requirePkce;
}
