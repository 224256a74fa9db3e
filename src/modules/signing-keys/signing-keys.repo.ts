// Signing keys of one realm (private halves sealed, see signing-keys.service.ts).
import type { Db } from '../../db/types.js';
import type { Prisma } from '../../generated/prisma/client.js';

export interface NewSigningKey {
  kid: string;
  alg: string;
  publicJwk: Prisma.InputJsonValue;
  privateJwk: string;
  activatesAt: Date;
}

export function createSigningKeysRepo(db: Db, realmId: string) {
  return {
    /** Keys still published (not past expiresAt), oldest first. */
    listPublished: (now: Date) =>
      db.signingKey.findMany({
        where: { realmId, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        orderBy: { createdAt: 'asc' },
      }),
    create: (key: NewSigningKey) => db.signingKey.create({ data: { realmId, ...key } }),
    /** Several keys in one statement (a new realm's first keys). */
    createAll: (keys: NewSigningKey[]) => db.signingKey.createMany({ data: keys.map((key) => ({ realmId, ...key })) }),
    retire: (ids: string[], retiredAt: Date, expiresAt: Date) =>
      db.signingKey.updateMany({ where: { realmId, id: { in: ids }, retiredAt: null }, data: { retiredAt, expiresAt } }),
  };
}

export type SigningKeysRepo = ReturnType<typeof createSigningKeysRepo>;
