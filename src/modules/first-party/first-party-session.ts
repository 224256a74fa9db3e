// The session of a built-in app (the account page, the console) after its sign-in
// (first-party-sign-in.ts): a random id in an HttpOnly, SameSite=Lax cookie scoped to the app's
// path (Secure on https); the store holds only its keyed hash and a sealed record, in the realm's
// artifact namespace (src/stores/artifact-keys.ts), so Redis serves N processes and a dump holds
// no usable id. Idle timeout (each use slides it, written at most once a minute) and absolute
// timeout (from the sign-in, OWASP Session Management Cheat Sheet "Session Expiration"). The
// record is in the account's index: "sign out everywhere" (src/modules/sessions/account-sessions.ts)
// ends it with the user's other sessions.
import type { Request, Response } from 'express';
import { accountIndexKey } from '../../stores/artifact-keys.js';
import type { ArtifactProtector } from '../../stores/artifact-protection.js';
import type { ArtifactStore } from '../../stores/oidc-adapter.js';
import { randomToken } from '../../security/tokens.js';
import type { BuiltInTarget } from './built-in-apps.js';
import type { SignedIn } from './first-party-sign-in.js';

export interface SessionTimeouts {
  idleSeconds: number;
  absoluteSeconds: number;
}

export interface FirstPartySession {
  userId: string;
  authTime: number;
  amr: string[];
  acr?: string;
  sessionUid?: string;
  /** Seconds since the epoch. */
  createdAt: number;
  lastSeenAt: number;
}

const TOUCH_EVERY_SECONDS = 60;

export function createFirstPartySessions(store: ArtifactStore, protector: ArtifactProtector, deps: { baseUrl: string; timeouts: SessionTimeouts }) {
  const secure = deps.baseUrl.startsWith('https:');
  const cookieName = (t: BuiltInTarget) => `gh_${t.clientId.replace(/[^a-z0-9]/gi, '_')}`;
  const keyOf = (realmId: string, t: BuiltInTarget, id: string) => `oidc:${realmId}:FirstPartySession:${protector.name(`${t.clientId}:${id}`)}`;
  const now = () => Math.floor(Date.now() / 1000);
  const cookieOptions = (t: BuiltInTarget) => ({ httpOnly: true, sameSite: 'lax' as const, secure, path: t.basePath });

  async function write(key: string, session: FirstPartySession) {
    const ttl = Math.max(1, Math.min(deps.timeouts.idleSeconds, session.createdAt + deps.timeouts.absoluteSeconds - now()));
    await store.set(key, { sealed: protector.seal(JSON.stringify(session), key) }, ttl);
    return ttl;
  }

  return {
    /** Starts a session for a completed sign-in and sets its cookie (a new id every time: no fixation). */
    async start(res: Response, realmId: string, target: BuiltInTarget, signedIn: SignedIn, previous?: Request): Promise<void> {
      if (previous) await this.end(previous, res, realmId, target);
      const id = randomToken(32);
      const key = keyOf(realmId, target, id);
      const t = now();
      await write(key, { userId: signedIn.accountId, authTime: signedIn.authTime, amr: signedIn.amr, acr: signedIn.acr, sessionUid: signedIn.sessionUid, createdAt: t, lastSeenAt: t });
      await store.addToIndex(accountIndexKey(realmId, protector.name(signedIn.accountId)), key, deps.timeouts.absoluteSeconds);
      res.cookie(cookieName(target), id, { ...cookieOptions(target), maxAge: deps.timeouts.absoluteSeconds * 1000 });
    },

    /** The live session of this request (needs req.cookies), sliding its idle timeout; undefined when none or expired. */
    async read(req: Request, realmId: string, target: BuiltInTarget): Promise<FirstPartySession | undefined> {
      const id: unknown = req.cookies?.[cookieName(target)];
      if (typeof id !== 'string' || id.length < 20 || id.length > 100) return undefined;
      const key = keyOf(realmId, target, id);
      const stored = await store.get(key);
      const opened = stored && protector.open(stored.sealed, key);
      if (!opened) return undefined;
      const session = JSON.parse(opened) as FirstPartySession;
      const t = now();
      if (t >= session.createdAt + deps.timeouts.absoluteSeconds || t >= session.lastSeenAt + deps.timeouts.idleSeconds) {
        await store.del(key);
        return undefined;
      }
      if (t - session.lastSeenAt >= TOUCH_EVERY_SECONDS) await write(key, { ...session, lastSeenAt: t });
      return session;
    },

    /** Ends this request's session and clears its cookie. */
    async end(req: Request, res: Response, realmId: string, target: BuiltInTarget): Promise<void> {
      const id: unknown = req.cookies?.[cookieName(target)];
      if (typeof id === 'string' && id.length <= 100) await store.del(keyOf(realmId, target, id));
      res.clearCookie(cookieName(target), cookieOptions(target));
    },
  };
}

export type FirstPartySessions = ReturnType<typeof createFirstPartySessions>;
