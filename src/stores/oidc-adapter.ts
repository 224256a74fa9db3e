// Storage for oidc-provider's artifacts (sessions, interactions, codes, tokens, grants), one
// namespace per realm: every key starts with the realm id, so an artifact of realm A is not
// even visible to realm B's provider. Shapes follow oidc-provider's reference Redis adapter.
import Provider, { errors, type Adapter, type AdapterPayload } from 'oidc-provider';

/** Models whose artifacts belong to a grant and are revoked with it (refresh-token reuse, logout). */
export const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/**
 * Models anyone can make a provider store without signing in or holding a client secret: an
 * Interaction per GET /authorize, a PushedAuthorizationRequest per push of a public client
 * (RFC 9126 §2.1), a ReplayDetection per DPoP proof sent with it (a self-made key will do).
 * The memory store keeps them apart so a flood of them cannot evict sessions or tokens.
 */
export const UNAUTHENTICATED = new Set(['Interaction', 'PushedAuthorizationRequest', 'ReplayDetection']);

/** The model of an artifact key ('Session', 'Interaction', ...); 'uid', 'userCode' or 'grant' for index keys. */
export const modelOfKey = (key: string): string | undefined => key.split(':', 3)[2];

/** The low-level store an adapter writes to: Redis in a cluster, memory for one process. */
export interface ArtifactStore {
  set(key: string, payload: AdapterPayload, ttlSeconds?: number): Promise<void>;
  get(key: string): Promise<AdapterPayload | undefined>;
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
}

export function createAdapterFactory(store: ArtifactStore, realmId: string) {
  const ns = `oidc:${realmId}`;
  const grantKey = (grantId: string) => `${ns}:grant:${grantId}`;

  /** What oidc-provider's revoke() does: every artifact of the grant, and the grant itself. */
  async function revokeGrant(grantId: string) {
    await Promise.all([store.deleteGroup(grantKey(grantId)), store.del(`${ns}:Grant:${grantId}`)]);
    const ctx = Provider.ctx;
    ctx?.oidc.provider.emit('grant.revoked', ctx, grantId);
  }

  return (name: string): Adapter => {
    const key = (id: string) => `${ns}:${name}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        // Saved at or after its end (e.g. a session touched in its last second): stored without a
        // TTL it would never leave Redis. Gone is what an expired artifact should be.
        if (typeof expiresIn === 'number' && !(expiresIn > 0)) {
          await store.del(key(id));
          return;
        }
        const ttl = expiresIn || undefined;
        await store.set(key(id), payload, ttl);
        if (GRANTABLE.has(name) && payload.grantId) await store.addToGroup(grantKey(payload.grantId), key(id), ttl);
        if (payload.uid) await store.setPointer(`${ns}:uid:${payload.uid}`, id, ttl);
        if (payload.userCode) await store.setPointer(`${ns}:userCode:${payload.userCode}`, id, ttl);
      },
      find: (id) => store.get(key(id)),
      async findByUid(uid) {
        const id = await store.getPointer(`${ns}:uid:${uid}`);
        return id ? store.get(key(id)) : undefined;
      },
      async findByUserCode(userCode) {
        const id = await store.getPointer(`${ns}:userCode:${userCode}`);
        return id ? store.get(key(id)) : undefined;
      },
      async consume(id) {
        if (await store.consume(key(id), Math.floor(Date.now() / 1000))) return;
        // Another request consumed it between oidc-provider's `consumed` check and this call (two
        // instances, or interleaved requests). Answer as oidc-provider does when it sees `consumed`
        // itself: revoke the grant (RFC 6749 §4.1.2; RFC 9700 §4.14.2 for refresh tokens) and
        // refuse. A thrown OIDCProviderError is rendered as its OAuth error, not as a 500.
        const payload = await store.get(key(id));
        if (GRANTABLE.has(name) && typeof payload?.grantId === 'string') await revokeGrant(payload.grantId);
        if (name === 'PushedAuthorizationRequest') throw new errors.InvalidRequestUri('request_uri is invalid, expired, or was already used');
        throw new errors.InvalidGrant(`${name} already consumed`);
      },
      destroy: (id) => store.del(key(id)),
      revokeByGrantId: (grantId) => store.deleteGroup(grantKey(grantId)),
    };
  };
}
