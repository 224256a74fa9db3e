// Single-use tokens of one realm's users (schema.prisma UserToken): only hashes are stored.
import type { Db } from '../../db/types.js';
import type { Prisma } from '../../generated/prisma/client.js';

export interface NewUserToken {
  userId: string;
  kind: string;
  hash: string;
  codeHash?: string;
  data?: Prisma.InputJsonValue;
  expiresAt: Date;
}

export function createUserTokensRepo(db: Db, realmId: string) {
  return {
    create: (t: NewUserToken) => db.userToken.create({ data: { realmId, ...t } }),
    /** Ends every unused token of this kind for the user (a new one supersedes them, or the password changed). */
    endAll: (userId: string, kind: string) =>
      db.userToken.updateMany({ where: { realmId, userId, kind, consumedAt: null }, data: { consumedAt: new Date() } }),
    findLive: (kind: string, hash: string) =>
      db.userToken.findFirst({ where: { realmId, kind, hash, consumedAt: null, expiresAt: { gt: new Date() } } }),
    /** The newest live token of this kind for the user (code entry knows the user, not the link). */
    findLatestLive: (userId: string, kind: string) =>
      db.userToken.findFirst({ where: { realmId, userId, kind, consumedAt: null, expiresAt: { gt: new Date() } }, orderBy: { createdAt: 'desc' } }),
    /**
     * Marks the token used if nobody has: one conditional UPDATE, so two requests (on two
     * instances) racing for one link cannot both win. True when this call marked it.
     */
    consume: async (id: string) =>
      (await db.userToken.updateMany({ where: { realmId, id, consumedAt: null, expiresAt: { gt: new Date() } }, data: { consumedAt: new Date() } })).count === 1,
    /** Counts a wrong code; true while the token may still be tried. */
    countAttempt: async (id: string, maxAttempts: number) =>
      (await db.userToken.updateMany({ where: { realmId, id, consumedAt: null, attempts: { lt: maxAttempts } }, data: { attempts: { increment: 1 } } })).count === 1,
  };
}

export type UserTokensRepo = ReturnType<typeof createUserTokensRepo>;
