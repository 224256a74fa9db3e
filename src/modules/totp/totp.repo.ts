// One realm's TOTP credentials (schema.prisma TotpCredential): the secret is stored sealed.
import type { Db } from '../../db/types.js';

export function createTotpRepo(db: Db, realmId: string) {
  return {
    find: (userId: string) => db.totpCredential.findUnique({ where: { realmId_userId: { realmId, userId } } }),
    /** A new pending (unconfirmed) secret; never replaces a confirmed one. */
    savePending: (userId: string, secret: string) =>
      db.totpCredential.upsert({
        where: { realmId_userId: { realmId, userId } },
        create: { realmId, userId, secret },
        update: { secret, lastTimeStep: null },
      }),
    /**
     * Records `timeStep` as used if it is newer than the last one used: one conditional UPDATE,
     * so two requests racing with one code cannot both win (RFC 6238 §5.2: a verifier must not
     * accept the same OTP twice). True when this call recorded it.
     */
    useStep: async (userId: string, timeStep: number, confirm: boolean) => {
      const now = new Date();
      const { count } = await db.totpCredential.updateMany({
        where: { realmId, userId, ...(confirm ? { confirmedAt: null } : { confirmedAt: { not: null } }), OR: [{ lastTimeStep: null }, { lastTimeStep: { lt: timeStep } }] },
        data: { lastTimeStep: timeStep, lastUsedAt: now, ...(confirm ? { confirmedAt: now } : {}) },
      });
      return count === 1;
    },
    remove: async (userId: string) => (await db.totpCredential.deleteMany({ where: { realmId, userId } })).count > 0,
  };
}

export type TotpRepo = ReturnType<typeof createTotpRepo>;
