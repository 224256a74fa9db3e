// How an App row becomes oidc-provider client metadata (OpenID Connect Dynamic Client
// Registration 1.0 §2 names). The app type decides the authentication method:
// web and service apps are confidential, spa and native apps are public (RFC 8252, RFC 6749 §2.1).
import type { ClientMetadata } from 'oidc-provider';
import type { App } from '../generated/prisma/client.js';

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
    token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
    application_type: app.type === 'native' ? 'native' : 'web',
    grant_types: grantTypes,
    response_types: usesCode ? ['code'] : [],
    redirect_uris: usesCode ? app.redirectUris : [],
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    id_token_signed_response_alg: 'ES256',
  };
}

/** Token endpoint auth methods a client may register for, per app type. */
export function isConfidential(app: Pick<App, 'type'>): boolean {
  return app.type === 'web' || app.type === 'service';
}
