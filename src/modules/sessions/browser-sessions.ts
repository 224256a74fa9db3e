// A user's browser sessions at one realm, for the account page: list them (browser, address,
// last seen) and end one, or every other one. A browser session is oidc-provider's Session
// (found through the account index the OIDC adapter keeps) with the metadata recorded at
// sign-in (session-metadata.ts). Ending one deletes the Session, the grants it authorized (so
// that browser's apps lose their refresh and access tokens), the account page's own sessions
// started from it, and its metadata. The page names a session by an opaque handle (a keyed hash
// of its uid), never by its cookie value; a handle is looked up only among this account's
// sessions in this realm, so one of realm A or of another user finds nothing.
import { accountIndexKey, grantMembersKey, membersKeyOfGrant, parseArtifactKey } from '../../stores/artifact-keys.js';
import type { ArtifactProtector } from '../../stores/artifact-protection.js';
import type { ArtifactStore } from '../../stores/oidc-adapter.js';
import { constantTimeEqual } from '../../security/tokens.js';
import { readSessionMetadata, sessionMetaKey } from './session-metadata.js';
import { describeUserAgent } from './user-agent.js';

export interface BrowserSession {
  handle: string;
  uid: string;
  /** e.g. "Chrome on Linux". */
  browser: string;
  ip: string | null;
  /** Seconds since the epoch. */
  signedInAt: number | null;
  lastSeenAt: number | null;
}

interface StoredSession {
  key: string;
  uid: string;
  loginTs?: number;
  grantIds: string[];
}

export function createBrowserSessions(store: ArtifactStore, realmId: string, protector: ArtifactProtector) {
  const indexOf = (accountId: string) => accountIndexKey(realmId, protector.name(accountId));
  const handleOf = (uid: string) => protector.name(`session-handle:${uid}`);

  async function open(key: string): Promise<Record<string, unknown> | undefined> {
    const stored = await store.get(key);
    const opened = stored && protector.open(stored.sealed, key);
    return opened ? (JSON.parse(opened) as Record<string, unknown>) : undefined;
  }

  async function membersOf(accountId: string, model: string) {
    const keys = await store.indexMembers(indexOf(accountId));
    return keys.filter((k) => parseArtifactKey(k)?.model === model && parseArtifactKey(k)?.realmId === realmId && k.split(':').length === 4);
  }

  async function sessionsOf(accountId: string): Promise<StoredSession[]> {
    const found: StoredSession[] = [];
    for (const key of await membersOf(accountId, 'Session')) {
      const p = await open(key);
      if (!p || p.accountId !== accountId || typeof p.uid !== 'string') continue;
      const authorizations = (p.authorizations ?? {}) as Record<string, { grantId?: unknown }>;
      const grantIds = Object.values(authorizations).map((a) => a?.grantId).filter((g): g is string => typeof g === 'string');
      found.push({ key, uid: p.uid, loginTs: typeof p.loginTs === 'number' ? p.loginTs : undefined, grantIds });
    }
    return found;
  }

  async function endSession(accountId: string, s: StoredSession) {
    await Promise.all(s.grantIds.flatMap((g) => [store.deleteGroup(grantMembersKey(realmId, protector.name(g))), store.del(`oidc:${realmId}:Grant:${protector.name(g)}`)]));
    await Promise.all([store.del(s.key), store.del(`oidc:${realmId}:Session:uid:${protector.name(s.uid)}`), store.del(sessionMetaKey(realmId, protector, s.uid))]);
    // The account page's sessions signed in from this browser session (first-party-session.ts).
    for (const key of await membersOf(accountId, 'FirstPartySession')) {
      const p = await open(key);
      if (p?.sessionUid === s.uid) await store.del(key);
    }
  }

  return {
    /** The live sessions, most recently seen first. */
    async list(accountId: string): Promise<BrowserSession[]> {
      const sessions = await sessionsOf(accountId);
      const listed = await Promise.all(sessions.map(async (s) => {
        const meta = await readSessionMetadata(store, protector, sessionMetaKey(realmId, protector, s.uid));
        return { handle: handleOf(s.uid), uid: s.uid, browser: describeUserAgent(meta?.userAgent), ip: meta?.ip ?? null, signedInAt: s.loginTs ?? meta?.firstSeenAt ?? null, lastSeenAt: meta?.lastSeenAt ?? s.loginTs ?? null };
      }));
      return listed.sort((a, b) => (b.lastSeenAt ?? 0) - (a.lastSeenAt ?? 0));
    },
    /** Ends the session with this handle; false when the account has none such (here). */
    async end(accountId: string, handle: string): Promise<boolean> {
      if (typeof handle !== 'string' || handle.length > 100) return false;
      const s = (await sessionsOf(accountId)).find((x) => constantTimeEqual(handleOf(x.uid), handle));
      if (!s) return false;
      await endSession(accountId, s);
      return true;
    },
    /** Revokes every grant (and so every token) the account gave the app `clientId`; how many. */
    async revokeAppGrants(accountId: string, clientId: string): Promise<number> {
      let revoked = 0;
      for (const key of await membersOf(accountId, 'Grant')) {
        const p = await open(key);
        if (p?.clientId !== clientId || p.accountId !== accountId) continue;
        await Promise.all([store.deleteGroup(membersKeyOfGrant(key)!), store.del(key)]);
        revoked++;
      }
      return revoked;
    },
    /**
     * Ends every session but the one with uid `keep` (the browser making the change), and every
     * grant that session did not authorize (refresh tokens that outlived their session too).
     */
    async endOthers(accountId: string, keep: string | undefined): Promise<number> {
      const sessions = await sessionsOf(accountId);
      const kept = new Set((sessions.find((s) => s.uid === keep)?.grantIds ?? []).map((g) => `oidc:${realmId}:Grant:${protector.name(g)}`));
      const others = sessions.filter((s) => s.uid !== keep);
      for (const s of others) await endSession(accountId, s);
      const grants = (await membersOf(accountId, 'Grant')).filter((k) => !kept.has(k));
      await Promise.all(grants.flatMap((k) => [store.deleteGroup(membersKeyOfGrant(k)!), store.del(k)]));
      return others.length;
    },
  };
}

export type BrowserSessions = ReturnType<typeof createBrowserSessions>;
