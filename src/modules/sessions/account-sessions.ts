// "Sign this user out everywhere": every session and grant of one account in one realm, found
// through the account index the OIDC adapter keeps (src/stores/oidc-adapter.ts), and with each
// grant every refresh token, access token and code issued under it. After revokeAll, the user's
// session cookies sign nobody in, refresh tokens get invalid_grant and opaque access tokens are
// inactive at introspection and userinfo. JWT access tokens (RFC 9068) are self-contained: a
// resource server that does not introspect accepts them until they expire (the realm's
// accessToken lifetime, 15 minutes by default).
import type { ArtifactProtector } from '../../stores/artifact-protection.js';
import { accountIndexKey, membersKeyOfGrant } from '../../stores/artifact-keys.js';
import type { ArtifactStore } from '../../stores/oidc-adapter.js';

export function createAccountSessions(store: ArtifactStore, realmId: string, protector: ArtifactProtector) {
  const indexOf = (accountId: string) => accountIndexKey(realmId, protector.name(accountId));
  return {
    async revokeAll(accountId: string): Promise<void> {
      const index = indexOf(accountId);
      const members = await store.indexMembers(index);
      await Promise.all(members.map((key) => membersKeyOfGrant(key)).filter((k): k is string => Boolean(k)).map((group) => store.deleteGroup(group)));
      await store.deleteIndex(index);
    },
  };
}

export type AccountSessions = ReturnType<typeof createAccountSessions>;
