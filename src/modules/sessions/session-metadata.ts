// What oidc-provider's Session does not hold: the address and browser a sign-in came from and
// when the browser was last seen, for the account page's "active sessions". Recorded at every
// successful authorization response (the moment a browser's session is used: the sign-in itself
// and every later app sign-in with it; written again only when the address or browser changed or
// a minute has passed), read through Provider.ctx's request. Stored like the other
// artifacts: under the keyed hash of the session uid, payload sealed to its key, in the realm's
// namespace and the account's index (so "sign out everywhere" removes it), expiring no later
// than the realm's session lifetime.
import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { accountIndexKey } from '../../stores/artifact-keys.js';
import type { ArtifactProtector } from '../../stores/artifact-protection.js';
import type { ArtifactStore } from '../../stores/oidc-adapter.js';

export interface SessionMetadata {
  ip: string | null;
  userAgent: string | null;
  /** Seconds since the epoch. */
  firstSeenAt: number;
  lastSeenAt: number;
}

/** `oidc:<realm>:SessionMeta:<hashed session uid>` */
export const sessionMetaKey = (realmId: string, protector: ArtifactProtector, uid: string) => `oidc:${realmId}:SessionMeta:${protector.name(uid)}`;

export async function readSessionMetadata(store: ArtifactStore, protector: ArtifactProtector, key: string): Promise<SessionMetadata | undefined> {
  const stored = await store.get(key);
  const opened = stored && protector.open(stored.sealed, key);
  return opened ? (JSON.parse(opened) as SessionMetadata) : undefined;
}

/** A use this soon after the last one, from the same address and browser, is not written again. */
const REFRESH_SECONDS = 60;

export function attachSessionMetadata(provider: Provider, deps: { store: ArtifactStore; protector: ArtifactProtector; realmId: string; sessionSeconds: number; onError: (err: unknown) => void }) {
  const { store, protector, realmId } = deps;
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
    const session = ctx.oidc.session;
    const accountId = session?.accountId;
    if (!session?.uid || typeof accountId !== 'string') return;
    const key = sessionMetaKey(realmId, protector, session.uid);
    const ip = (ctx.req as IncomingMessage & { ip?: string }).ip ?? ctx.ip ?? null;
    const userAgent = (ctx.get('user-agent') || '').slice(0, 400) || null;
    void (async () => {
      const now = Math.floor(Date.now() / 1000);
      const before = await readSessionMetadata(store, protector, key);
      if (before && before.ip === ip && before.userAgent === userAgent && now - before.lastSeenAt < REFRESH_SECONDS) return;
      const meta: SessionMetadata = { ip, userAgent, firstSeenAt: before?.firstSeenAt ?? now, lastSeenAt: now };
      await store.set(key, { sealed: protector.seal(JSON.stringify(meta), key) }, deps.sessionSeconds);
      await store.addToIndex(accountIndexKey(realmId, protector.name(accountId)), key, deps.sessionSeconds);
    })().catch(deps.onError);
  });
}
