// Gatehouse's own pages that sign people in through a realm's OIDC, like any app would: the
// end-user account page in every realm, the developer console in the admin realm. They are not
// App rows (nobody can edit or delete them): the provider factory adds them to the realm's
// clients. Public clients with PKCE (RFC 9700 §2.1.1), exact redirect URIs under BASE_URL,
// first-party (no consent page: src/oidc/grants.ts), and the realm's own MFA policy (mfa null).
import type { App } from '../../generated/prisma/client.js';
import { ADMIN_REALM, type RealmRecord } from '../../realms/realm-scope.js';

export const ACCOUNT_CLIENT_ID = 'gatehouse-account';
export const CONSOLE_CLIENT_ID = 'gatehouse-console';

/** Where a built-in app lives and gets its code back, relative to BASE_URL. */
export interface BuiltInTarget {
  clientId: string;
  name: string;
  /** The path its session and flow cookies are scoped to. */
  basePath: string;
  /** basePath + '/callback': the one registered redirect URI. */
  callbackPath: string;
}

export const accountTarget = (realmName: string): BuiltInTarget => {
  const basePath = `/realms/${realmName}/account`;
  return { clientId: ACCOUNT_CLIENT_ID, name: 'Your account', basePath, callbackPath: `${basePath}/callback` };
};

export const consoleTarget = (): BuiltInTarget => ({ clientId: CONSOLE_CLIENT_ID, name: 'Gatehouse console', basePath: '/console', callbackPath: '/console/callback' });

/** The built-in apps of a realm, shaped as App rows for the provider factory. */
export function builtInApps(realm: RealmRecord, baseUrl: string): App[] {
  const targets = [accountTarget(realm.name), ...(realm.name === ADMIN_REALM ? [consoleTarget()] : [])];
  const epoch = new Date(0);
  return targets.map((t) => ({
    id: `00000000-0000-4000-8000-${t.clientId === ACCOUNT_CLIENT_ID ? '000000000001' : '000000000002'}`,
    realmId: realm.id,
    clientId: t.clientId,
    name: t.name,
    type: 'spa',
    clientSecretHash: null,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    redirectUris: [`${baseUrl}${t.callbackPath}`],
    postLogoutRedirectUris: [`${baseUrl}${t.basePath}`],
    grantTypes: ['authorization_code'],
    firstParty: true,
    apiAccess: [],
    requirePkce: true,
    tokenEndpointAuthMethod: 'none',
    directAuth: false,
    mfa: null,
    createdAt: epoch,
    updatedAt: epoch,
  }));
}

export const isBuiltInClient = (clientId: string) => clientId === ACCOUNT_CLIENT_ID || clientId === CONSOLE_CLIENT_ID;
