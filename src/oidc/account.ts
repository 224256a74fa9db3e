// findAccount for one realm: the `sub` is the user's id in that realm, and claims are released
// per granted scope (OpenID Connect Core §5.4) by oidc-provider's claims configuration.
import type { Account, FindAccount } from 'oidc-provider';
import type { UsersRepo } from '../modules/users/users.repo.js';
import { databaseUnavailable } from '../db/unavailable.js';

export const CLAIMS_BY_SCOPE = {
  // amr (OpenID Connect Core §2, RFC 8176): how the user signed in ('pwd', or 'otp' for a magic link); ID token only.
  // acr (OpenID Connect Core §2): set once a second factor was used (interactions/mfa-prompt.ts); ID token only.
  openid: ['sub', 'amr', 'acr'],
  profile: ['name', 'given_name', 'family_name', 'updated_at'],
  email: ['email', 'email_verified'],
  roles: ['roles'],
} as const;

/** The scopes a realm's provider knows besides its API resources' scopes. */
export const OIDC_SCOPES = ['openid', 'offline_access', ...Object.keys(CLAIMS_BY_SCOPE).filter((s) => s !== 'openid')] as const;

export function createFindAccount(users: UsersRepo): FindAccount {
  return async (_ctx, id): Promise<Account | undefined> => {
    // A malformed id (not a uuid) is "no such user"; a database that cannot answer is not: that
    // error goes on, to be answered 503 (src/oidc/provider-unavailable.ts), not as a missing account.
    const user = await users.findById(id).catch((err: unknown) => {
      if (databaseUnavailable(err)) throw err;
      return null;
    });
    if (!user || user.disabled) return undefined;
    return {
      accountId: user.id,
      async claims(_use, scope) {
        const scopes = new Set(scope.split(' '));
        return {
          sub: user.id,
          email: user.email,
          email_verified: user.emailVerified,
          ...(user.name ? { name: user.name } : {}),
          ...(user.givenName ? { given_name: user.givenName } : {}),
          ...(user.familyName ? { family_name: user.familyName } : {}),
          updated_at: Math.floor(user.updatedAt.getTime() / 1000),
          ...(scopes.has('roles') ? { roles: await users.rolesOf(user.id) } : {}),
        };
      },
    };
  };
}
