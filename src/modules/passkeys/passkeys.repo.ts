// One realm's passkeys (schema.prisma PasskeyCredential) and "don't ask again" choices. Every
// query carries the realm id: a credential id is only ever looked up as (realmId, credentialId).
import type { Db } from '../../db/types.js';

export interface NewPasskey {
  userId: string;
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  aaguid: string;
  rpId: string;
  name: string;
}

export function createPasskeysRepo(db: Db, realmId: string) {
  return {
    listByUser: (userId: string) => db.passkeyCredential.findMany({ where: { realmId, userId }, orderBy: { createdAt: 'asc' } }),
    countByUser: (userId: string) => db.passkeyCredential.count({ where: { realmId, userId } }),
    findByCredentialId: (credentialId: string) => db.passkeyCredential.findUnique({ where: { realmId_credentialId: { realmId, credentialId } } }),
    create: (p: NewPasskey) => db.passkeyCredential.create({ data: { realmId, ...p, publicKey: Buffer.from(p.publicKey), counter: BigInt(p.counter) } }),
    /**
     * Records a use with its new signature counter: a compare-and-set on the counter read before
     * verifying, so two racing assertions with one counter value cannot both pass. The service
     * has checked that the counter moved forward (or both are 0). True when recorded.
     */
    recordUse: async (id: string, previous: bigint, counter: number) =>
      (await db.passkeyCredential.updateMany({ where: { realmId, id, counter: previous }, data: { counter: BigInt(counter), lastUsedAt: new Date() } })).count === 1,
    rename: async (userId: string, id: string, name: string) => (await db.passkeyCredential.updateMany({ where: { realmId, userId, id }, data: { name } })).count === 1,
    remove: async (userId: string, id: string) => (await db.passkeyCredential.deleteMany({ where: { realmId, userId, id } })).count === 1,
    removeAll: async (userId: string) => (await db.passkeyCredential.deleteMany({ where: { realmId, userId } })).count,
    dismissOffer: (userId: string) => db.passkeyOfferDismissal.upsert({ where: { realmId_userId: { realmId, userId } }, create: { realmId, userId }, update: {} }),
    offerDismissed: async (userId: string) => Boolean(await db.passkeyOfferDismissal.findUnique({ where: { realmId_userId: { realmId, userId } } })),
  };
}

export type PasskeysRepo = ReturnType<typeof createPasskeysRepo>;
