// How artifact keys are laid out and which budget each kind of artifact counts against.
// Layout: `oidc:<realm id>:<Model>:<name>` for an artifact, `oidc:<realm id>:<Model>:<index>:<name>`
// for its indexes (uid and userCode pointers, a grant's members), where <name> is the keyed
// hash of the value (artifact-protection.ts). Realm and model stay readable: they are not
// secret, and the stores budget and bound by them.

/** Models recorded in their account's index (accountIndexKey), for signing a user out everywhere. */
export const ACCOUNT_INDEXED = new Set(['Session', 'Grant']);

/** The set of an account's sessions and grants: `oidc:<realm>:Account:index:<hashed account id>`. */
export const accountIndexKey = (realmId: string, hashedAccountId: string) => `oidc:${realmId}:Account:index:${hashedAccountId}`;

/** The list of a grant's tokens and codes: `oidc:<realm>:Grant:members:<hashed grant id>`. */
export const grantMembersKey = (realmId: string, hashedGrantId: string) => `oidc:${realmId}:Grant:members:${hashedGrantId}`;

/** The members list of a stored grant, from the grant's own key (`oidc:<realm>:Grant:<hash>`); undefined for other keys. */
export function membersKeyOfGrant(key: string): string | undefined {
  const [ns, realmId, model, name, extra] = key.split(':');
  return ns === 'oidc' && realmId && model === 'Grant' && name && extra === undefined ? grantMembersKey(realmId, name) : undefined;
}

/** Models whose artifacts belong to a grant and are revoked with it (refresh-token reuse, logout). */
export const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/**
 * The budgets an artifact counts against, so that what anyone can make cannot push out what
 * signed-in users hold:
 * - pending: an Interaction per GET /authorize, a PushedAuthorizationRequest per push of a
 *   public client (RFC 9126 §2.1): unauthenticated, admitted only while the realm has room.
 * - replay: ReplayDetection records (DPoP proof and client assertion jtis; a self-made DPoP key will do).
 * - accessTokens: AccessToken and ClientCredentials (short-lived, steady machine traffic) and
 *   the other client-held tokens.
 * - signIn: everything else: sessions, grants, refresh tokens, codes and the grant groups that
 *   let revocation reach every token of a grant. Losing one signs a user out.
 */
export type ArtifactClass = 'signIn' | 'accessTokens' | 'pending' | 'replay';

const CLASS_OF_MODEL: Record<string, ArtifactClass> = {
  Interaction: 'pending',
  PushedAuthorizationRequest: 'pending',
  // src/modules/passkeys/passkey-challenges.ts: one per sign-in or account page, anyone can ask.
  WebAuthnChallenge: 'pending',
  ReplayDetection: 'replay',
  AccessToken: 'accessTokens',
  ClientCredentials: 'accessTokens',
  RegistrationAccessToken: 'accessTokens',
  InitialAccessToken: 'accessTokens',
};

export const classOfModel = (model: string): ArtifactClass => CLASS_OF_MODEL[model] ?? 'signIn';

/** Realm id and model of a key in the layout above (undefined for a key of another layout). */
export function parseArtifactKey(key: string): { realmId: string; model: string } | undefined {
  const [ns, realmId, model] = key.split(':', 3);
  return ns === 'oidc' && realmId && model ? { realmId, model } : undefined;
}

export const classOfKey = (key: string): ArtifactClass => classOfModel(parseArtifactKey(key)?.model ?? '');
