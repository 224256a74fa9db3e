// Storage for oidc-provider's artifacts (sessions, interactions, codes, tokens, grants), one
// namespace per realm: every key starts with the realm id, so an artifact of realm A is not
// even visible to realm B's provider. Shapes follow oidc-provider's reference Redis adapter,
// with every id hashed and every payload sealed (artifact-protection.ts): the store holds no
// usable token, code or session id.
import Provider, { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { LimitResult } from '../http/rate-limit.js';
import type { ArtifactProtector } from './artifact-protection.js';
import { accountIndexKey, ACCOUNT_INDEXED, GRANTABLE, grantMembersKey } from './artifact-keys.js';

/** A sealed payload, and when it was consumed (kept apart so consume() can compare-and-set it). */
export interface StoredArtifact {
  sealed: string;
  consumed?: number;
}

/** The low-level store an adapter writes to: Redis in a cluster, memory for one process. */
export interface ArtifactStore {
  set(key: string, artifact: StoredArtifact, ttlSeconds?: number): Promise<void>;
  get(key: string): Promise<StoredArtifact | undefined>;
  del(key: string): Promise<void>;
  /**
   * Marks a code or refresh token as used if nobody has, atomically (a compare-and-set): true
   * when this call marked it, false when it was already used or is gone.
   */
  consume(key: string, at: number): Promise<boolean>;
  setPointer(key: string, target: string, ttlSeconds?: number): Promise<void>;
  getPointer(key: string): Promise<string | undefined>;
  addToGroup(group: string, key: string, ttlSeconds?: number): Promise<void>;
  /** Deletes every key recorded in the group and the group itself. */
  deleteGroup(group: string): Promise<void>;
  /** Records `key` in an index (a set: recording it again changes nothing), kept as long as its longest-lived member. */
  addToIndex(index: string, key: string, ttlSeconds?: number): Promise<void>;
  /** The keys recorded in an index (some may have expired since). */
  indexMembers(index: string): Promise<string[]>;
  /** Deletes every key recorded in the index and the index itself. */
  deleteIndex(index: string): Promise<void>;
  /**
   * Whether the realm has room for one more pending (unauthenticated) artifact: an Interaction
   * or a pushed request (artifact-keys.ts). Asked before a request that would make one.
   */
  admitPending(realmId: string): Promise<LimitResult>;
  /** Deletes every artifact of the realm (a deleted realm: its sessions, grants, codes and tokens). */
  deleteRealm(realmId: string): Promise<void>;
}

export function createAdapterFactory(store: ArtifactStore, realmId: string, protector: ArtifactProtector) {
  const ns = `oidc:${realmId}`;
  const grantKey = (grantId: string) => grantMembersKey(realmId, protector.name(grantId));

  /** What oidc-provider's revoke() does: every artifact of the grant, and the grant itself. */
  async function revokeGrant(grantId: string) {
    await Promise.all([store.deleteGroup(grantKey(grantId)), store.del(`${ns}:Grant:${protector.name(grantId)}`)]);
    const ctx = Provider.ctx;
    ctx?.oidc.provider.emit('grant.revoked', ctx, grantId);
  }

  return (name: string): Adapter => {
    const key = (id: string) => `${ns}:${name}:${protector.name(id)}`;
    const pointerKey = (index: 'uid' | 'userCode', value: string) => `${ns}:${name}:${index}:${protector.name(value)}`;

    async function read(id: string): Promise<AdapterPayload | undefined> {
      const k = key(id);
      const stored = await store.get(k);
      const opened = stored && protector.open(stored.sealed, k);
      if (!opened) return undefined;
      const payload = JSON.parse(opened) as AdapterPayload;
      return stored.consumed ? { ...payload, consumed: stored.consumed } : payload;
    }

    async function follow(index: 'uid' | 'userCode', value: string) {
      const k = pointerKey(index, value);
      const target = await store.getPointer(k);
      const id = target && protector.open(target, k);
      return id ? read(id) : undefined;
    }

    async function point(index: 'uid' | 'userCode', value: string, id: string, ttl?: number) {
      const k = pointerKey(index, value);
      await store.setPointer(k, protector.seal(id, k), ttl);
    }

    return {
      async upsert(id, payload, expiresIn) {
        // Saved at or after its end (e.g. a session touched in its last second): stored without a
        // TTL it would never leave Redis. Gone is what an expired artifact should be.
        if (typeof expiresIn === 'number' && !(expiresIn > 0)) {
          await store.del(key(id));
          return;
        }
        const ttl = expiresIn || undefined;
        const k = key(id);
        const { consumed, ...rest } = payload;
        await store.set(k, { sealed: protector.seal(JSON.stringify(rest), k), ...(consumed ? { consumed: Number(consumed) } : {}) }, ttl);
        if (GRANTABLE.has(name) && payload.grantId) await store.addToGroup(grantKey(payload.grantId), k, ttl);
        // Sessions and grants by account, so "sign this user out everywhere" reaches them all
        // (src/modules/sessions/account-sessions.ts).
        if (ACCOUNT_INDEXED.has(name) && typeof payload.accountId === 'string') await store.addToIndex(accountIndexKey(realmId, protector.name(payload.accountId)), k, ttl);
        // Only sessions and device codes have these: no promise for the tokens that have neither.
        if (typeof payload.uid === 'string') await point('uid', payload.uid, id, ttl);
        if (typeof payload.userCode === 'string') await point('userCode', payload.userCode, id, ttl);
      },
      find: read,
      findByUid: (uid) => follow('uid', uid),
      findByUserCode: (userCode) => follow('userCode', userCode),
      async consume(id) {
        if (await store.consume(key(id), Math.floor(Date.now() / 1000))) return;
        // Another request consumed it between oidc-provider's `consumed` check and this call (two
        // instances, or interleaved requests). Answer as oidc-provider does when it sees `consumed`
        // itself: revoke the grant (RFC 6749 §4.1.2; RFC 9700 §4.14.2 for refresh tokens) and
        // refuse. A thrown OIDCProviderError is rendered as its OAuth error, not as a 500.
        const payload = await read(id);
        if (GRANTABLE.has(name) && typeof payload?.grantId === 'string') await revokeGrant(payload.grantId);
        if (name === 'PushedAuthorizationRequest') throw new errors.InvalidRequestUri('request_uri is invalid, expired, or was already used');
        throw new errors.InvalidGrant(`${name} already consumed`);
      },
      destroy: (id) => store.del(key(id)),
      revokeByGrantId: (grantId) => store.deleteGroup(grantKey(grantId)),
    };
  };
}
