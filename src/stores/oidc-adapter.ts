// Storage for oidc-provider's artifacts (sessions, interactions, codes, tokens, grants), one
// namespace per realm: every key starts with the realm id, so an artifact of realm A is not
// even visible to realm B's provider. Shapes follow oidc-provider's reference Redis adapter.
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** Models whose artifacts belong to a grant and are revoked with it (refresh-token reuse, logout). */
export const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/** The low-level store an adapter writes to: Redis in a cluster, memory for one process. */
export interface ArtifactStore {
  set(key: string, payload: AdapterPayload, ttlSeconds?: number): Promise<void>;
  get(key: string): Promise<AdapterPayload | undefined>;
  del(key: string): Promise<void>;
  /** Marks a code or refresh token as used (RFC 6749 §4.1.2: codes are single-use). */
  consume(key: string, at: number): Promise<void>;
  setPointer(key: string, target: string, ttlSeconds?: number): Promise<void>;
  getPointer(key: string): Promise<string | undefined>;
  addToGroup(group: string, key: string, ttlSeconds?: number): Promise<void>;
  /** Deletes every key recorded in the group and the group itself. */
  deleteGroup(group: string): Promise<void>;
}

export function createAdapterFactory(store: ArtifactStore, realmId: string) {
  const ns = `oidc:${realmId}`;
  const grantKey = (grantId: string) => `${ns}:grant:${grantId}`;
  return (name: string): Adapter => {
    const key = (id: string) => `${ns}:${name}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const ttl = expiresIn && expiresIn > 0 ? expiresIn : undefined;
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
      consume: (id) => store.consume(key(id), Math.floor(Date.now() / 1000)),
      destroy: (id) => store.del(key(id)),
      revokeByGrantId: (grantId) => store.deleteGroup(grantKey(grantId)),
    };
  };
}
