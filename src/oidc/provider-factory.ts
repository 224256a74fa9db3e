// Builds one realm's OpenID Provider from its stored apps, keys, resources and settings.
// Called by the provider pool (src/realms/provider-pool.ts) on first use and after a change.
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config/config.js';
import type { Views } from '../http/views.js';
import type { AuditWriter } from '../modules/audit/audit-writer.js';
import type { Logger } from '../observability/logger.js';
import type { RealmRecord, RealmScope } from '../realms/realm-scope.js';
import { deriveKey } from '../security/encryption.js';
import type { Services } from '../services.js';
import { createAdapterFactory } from '../stores/oidc-adapter.js';
import type { Stores } from '../stores/stores.js';
import { retryAfterOn503 } from '../stores/store-unavailable.js';
import { CLAIMS_BY_SCOPE, createFindAccount, OIDC_SCOPES } from './account.js';
import { requiresPkce, toClientMetadata } from './client-metadata.js';
import { createLoadExistingGrant } from './grants.js';
import { ROUTES } from './endpoints.js';
import { createPages } from './pages.js';
import { createResourceIndicators } from './resources.js';
import { introspectionAllowed, revocationAllowed } from './token-policies.js';
import { attachProviderEvents } from './provider-events.js';
import { attachSessionMetadata } from '../modules/sessions/session-metadata.js';
import { answerUnavailable } from './provider-unavailable.js';
import { cacheHeaders } from './cache-headers.js';
import { enforceClientSecretAuth } from './client-auth.js';
import type { TokenRateLimits } from './token-rate-limit.js';
import { pinPublicOrigin } from './public-origin.js';
import { withCreatePrompt } from './interactions/create-prompt.js';
import { interactionPolicyFor } from './interactions/verify-email-prompt.js';
import { MFA_ACR, withMfaPrompt } from './interactions/mfa-prompt.js';
import { withPasskeyOffer } from '../modules/passkeys/passkey-offer.prompt.js';
import { appMfaOf } from '../modules/apps/apps.service.js';
import { builtInApps } from '../modules/first-party/built-in-apps.js';
import type { PrivateJwk } from '../modules/signing-keys/signing-keys.service.js';

export interface ProviderDeps {
  config: Readonly<Config>;
  stores: Stores;
  views: Views;
  logger: Logger;
  auditWriter: AuditWriter;
  services: Services;
  /** Made once per app: the per-client token limit each realm's provider joins. */
  tokenLimits: TokenRateLimits;
}

export interface RealmProvider {
  provider: Provider;
  /** provider.callback(), made once: the Node handler the realm's routes end in. */
  handler: ReturnType<Provider['callback']>;
  scope: RealmScope;
  /** When the key set next changes (a key activates or expires): rebuild by then. */
  nextChangeAt?: Date;
  /** Apps registered as clients (the pool's memory estimate). */
  clientCount?: number;
}

export const realmPath = (name: string) => `/realms/${name}`;

/**
 * What a realm's provider is built from: its rows (apps, APIs, unsealed keys) and derived keys.
 * The provider pool caches this apart from the providers (src/realms/provider-pool.ts), so a
 * provider evicted for room is rebuilt without a database round trip.
 */
export interface ProviderInputs {
  apps: Awaited<ReturnType<RealmScope['apps']['list']>>;
  resources: Awaited<ReturnType<RealmScope['apiResources']['list']>>;
  jwks: { keys: PrivateJwk[] };
  nextChangeAt?: Date;
  cookieKey: string;
}

export async function loadProviderInputs(deps: Pick<ProviderDeps, 'config' | 'services'>, realm: RealmRecord): Promise<ProviderInputs> {
  const { scope, signingKeys: keys } = deps.services.forRealm(realm);
  const [stored, resources] = await Promise.all([scope.apps.list(), scope.apiResources.list()]);
  // The account page (and, in the admin realm, the console) sign in like any app (src/modules/first-party/).
  const apps = [...stored, ...builtInApps(realm, deps.config.baseUrl)];
  let loaded = await keys.loadForProvider();
  if (!loaded.jwks.keys.length) {
    await keys.ensureInitialKeys();
    loaded = await keys.loadForProvider();
  }
  // Per-realm cookie keys (and path, below): a session cookie of realm A is neither sent to nor
  // accepted by realm B on the same host.
  const cookieKey = deriveKey(deps.config.masterKey, `cookies:${realm.id}`).toString('base64url');
  return { apps, resources, jwks: loaded.jwks, nextChangeAt: loaded.nextChangeAt, cookieKey };
}

export async function buildRealmProvider(deps: ProviderDeps, realm: RealmRecord, inputs?: ProviderInputs): Promise<RealmProvider> {
  const { config, stores, views, logger } = deps;
  const { scope } = deps.services.forRealm(realm);
  const lifetimes = scope.settings.tokenLifetimes;
  const { apps, resources, jwks, nextChangeAt, cookieKey } = inputs ?? (await loadProviderInputs(deps, realm));
  const appsByClientId = new Map(apps.map((a) => [a.clientId, a]));
  const pages = createPages(views, realm.name, realm.displayName);
  const path = realmPath(realm.name);
  const secure = config.baseUrl.startsWith('https:');

  const policy = withPasskeyOffer(withMfaPrompt(withCreatePrompt(interactionPolicyFor(scope), scope), { scope, methods: deps.services.mfaMethods.methods, remember: deps.services.mfaRemember, appPolicy: (id) => { const app = appsByClientId.get(id); return app && appMfaOf(app); } }), scope);
  const configuration: Configuration = {
    adapter: createAdapterFactory(stores.artifacts, realm.id, deps.services.artifactProtector),
    clients: apps.map(toClientMetadata),
    // A copy: oidc-provider keeps what it is given.
    jwks: { keys: jwks.keys.map((k) => ({ ...k })) },
    findAccount: createFindAccount(scope.users),
    claims: Object.fromEntries(Object.entries(CLAIMS_BY_SCOPE).map(([k, v]) => [k, [...v]])),
    scopes: [...OIDC_SCOPES],
    clientDefaults: { id_token_signed_response_alg: 'ES256', grant_types: ['authorization_code'], response_types: ['code'] },
    // Only asymmetric algorithms: client secrets are stored hashed, so HS* (which would use the
    // secret as key) must never be negotiated.
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
      introspectionSigningAlgValues: ['ES256', 'RS256'],
      authorizationSigningAlgValues: ['ES256', 'RS256'],
      clientAuthSigningAlgValues: ['ES256', 'RS256', 'PS256', 'EdDSA'],
      requestObjectSigningAlgValues: ['ES256', 'RS256', 'PS256', 'EdDSA'],
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    responseTypes: ['code', 'none'],
    // PKCE with S256 (the only method offered) for public apps always, for confidential ones
    // unless they opted out (client-metadata.ts).
    pkce: { required: (_ctx, client) => requiresPkce(appsByClientId.get(client.clientId)) },
    cookies: {
      keys: [cookieKey],
      long: { httpOnly: true, sameSite: 'lax', path, secure },
      // No path: oidc-provider then scopes each interaction's cookies to that interaction
      // (/realms/<realm>/interaction/<uid>, /realms/<realm>/authorize/<uid>), so sign-ins open
      // in two tabs do not overwrite each other; both paths stay inside the realm.
      short: { httpOnly: true, sameSite: 'lax', secure },
    },
    // Endpoint paths under the realm's issuer; discovery publishes them (OpenID Connect Discovery §3).
    routes: ROUTES,
    // policy: create when asked for (prompt=create, realms with sign-up), login, then verify_email when the realm requires verified emails, mfa, the passkey offer, then consent.
    interactions: { url: (_ctx, interaction) => `${path}/interaction/${interaction.uid}`, policy },
    // prompt_values_supported (Initiating User Registration via OpenID Connect 1.0 §3): the
    // prompts a client may ask for, as oidc-provider accepts them (none + the requestable ones).
    discovery: { prompt_values_supported: ['none', ...policy.filter((p) => p.requestable).map((p) => p.name)] },
    // Discovery's acr_values_supported; the mfa prompt sets it once a second factor was used.
    acrValues: [MFA_ACR],
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true, allowedPolicy: introspectionAllowed },
      revocation: { enabled: true, allowedPolicy: revocationAllowed },
      userinfo: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: createResourceIndicators(resources, appsByClientId, lifetimes.accessToken),
      rpInitiatedLogout: { enabled: true, logoutSource: pages.logoutSource, postLogoutSuccessSource: pages.postLogoutSuccessSource },
      // @types/oidc-provider models `features` as a union of whole-object profiles that rejects
      // plain combinations the runtime accepts (introspection + resource indicators).
    } as unknown as Configuration['features'],
    loadExistingGrant: createLoadExistingGrant(scope.consents, appsByClientId, lifetimes),
    // Refresh tokens rotate on every use; replaying a rotated one revokes the grant (RFC 9700 §4.14.2).
    rotateRefreshToken: true,
    ttl: {
      // A token for a registered API lives as long as that API says (src/oidc/resources.ts);
      // a plain number here would override it.
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? lifetimes.accessToken,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? lifetimes.accessToken,
      IdToken: lifetimes.idToken,
      AuthorizationCode: lifetimes.authorizationCode,
      Interaction: 60 * 60,
      Session: lifetimes.session,
      Grant: lifetimes.refreshTokenAbsolute,
      // Idle lifetime per token, capped by the absolute lifetime of the chain since its first token (iiat).
      RefreshToken: (_ctx, token) => {
        const now = Math.floor(Date.now() / 1000);
        const absoluteLeft = (token.iiat ?? now) + lifetimes.refreshTokenAbsolute - now;
        return Math.max(1, Math.min(lifetimes.refreshTokenIdle, absoluteLeft));
      },
    },
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => safeOrigin(uri) === origin) ?? false,
    renderError: pages.renderError,
    conformIdTokenClaims: true,
  };

  const provider = new Provider(`${config.baseUrl}${path}`, configuration);
  // Koa reads X-Forwarded-Proto (secure cookies) only with proxy on. Client addresses are
  // taken from Express's req.ip (see provider-events.ts), which honours the trusted hop count.
  provider.proxy = config.trustProxy !== false;
  pinPublicOrigin(provider, config.baseUrl);
  provider.use(cacheHeaders());
  enforceClientSecretAuth(provider, (clientId) => appsByClientId.get(clientId));
  deps.tokenLimits.attachPerClient(provider, realm.name);
  // Store outages inside oidc-provider are answered by it as 503 temporarily_unavailable
  // (StoreUnavailableError); this adds their Retry-After.
  provider.use(retryAfterOn503);
  attachProviderEvents(provider, realm.id, deps.auditWriter, logger.child({ realm: realm.name }));
  // Address, browser and last seen of each session, for the account page (src/modules/sessions/).
  attachSessionMetadata(provider, { store: stores.artifacts, protector: deps.services.artifactProtector, realmId: realm.id, sessionSeconds: lifetimes.session, onError: (err) => logger.warn({ err }, 'session metadata not recorded') });
  answerUnavailable(provider, pages.renderError);
  return { provider, handler: provider.callback(), scope, nextChangeAt, clientCount: apps.length };
}

function safeOrigin(uri: string): string | undefined {
  try {
    return new URL(uri).origin;
  } catch {
    return undefined;
  }
}

export type { KoaContextWithOIDC };
