// One realm's recovery codes (schema.prisma RecoveryCode): only keyed hashes are stored.
import type { Db } from '../../db/types.js';

export function createRecoveryCodesRepo(db: Db, realmId: string) {
  return {
    /** Replaces the user's set: the old codes stop working. */
    replace: async (userId: string, hashes: string[]) => {
      await db.recoveryCode.deleteMany({ where: { realmId, userId } });
      await db.recoveryCode.createMany({ data: hashes.map((hash) => ({ realmId, userId, hash })) });
    },
    createdAt: async (userId: string) => (await db.recoveryCode.findFirst({ where: { realmId, userId }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } }))?.createdAt,
    countUnused: (userId: string) => db.recoveryCode.count({ where: { realmId, userId, usedAt: null } }),
    /** Marks the code used if unused: one conditional UPDATE (single use even under a race). */
    use: async (userId: string, hash: string) =>
      (await db.recoveryCode.updateMany({ where: { realmId, userId, hash, usedAt: null }, data: { usedAt: new Date() } })).count === 1,
    removeAll: async (userId: string) => (await db.recoveryCode.deleteMany({ where: { realmId, userId } })).count > 0,
  };
}

export type RecoveryCodesRepo = ReturnType<typeof createRecoveryCodesRepo>;
