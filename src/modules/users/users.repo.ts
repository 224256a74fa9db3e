// Users of one realm. Built per realm: every query's key starts with the realm id.
import type { Db } from '../../db/types.js';

export interface NewUser {
  email: string;
  emailVerified?: boolean;
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  passwordHash?: string;
}

export function createUsersRepo(db: Db, realmId: string) {
  return {
    findById: (id: string) => db.user.findUnique({ where: { realmId_id: { realmId, id } } }),
    findByEmail: (email: string) => db.user.findUnique({ where: { realmId_email: { realmId, email: email.toLowerCase() } } }),
    findByEmailWithPassword: (email: string) =>
      db.user.findUnique({ where: { realmId_email: { realmId, email: email.toLowerCase() } }, include: { password: true } }),
    create: ({ passwordHash, email, ...rest }: NewUser) =>
      db.user.create({
        data: {
          realmId,
          email: email.toLowerCase(),
          ...rest,
          ...(passwordHash ? { password: { create: { hash: passwordHash } } } : {}),
        },
      }),
    list: ({ take, cursor }: { take: number; cursor?: string }) =>
      db.user.findMany({
        where: { realmId },
        orderBy: { id: 'asc' },
        take,
        ...(cursor ? { cursor: { realmId_id: { realmId, id: cursor } }, skip: 1 } : {}),
      }),
    rolesOf: async (userId: string) =>
      (await db.userRole.findMany({ where: { realmId, userId }, include: { role: true } })).map((r) => r.role.name),
    /** Sets (or replaces) the user's argon2id hash. */
    setPasswordHash: (userId: string, hash: string) =>
      db.passwordCredential.upsert({ where: { realmId_userId: { realmId, userId } }, create: { realmId, userId, hash }, update: { hash } }),
    /** Marks the email verified only while the account still has this address (it may have changed since the mail). */
    markEmailVerified: async (userId: string, email: string) =>
      (await db.user.updateMany({ where: { realmId, id: userId, email: email.toLowerCase() }, data: { emailVerified: true } })).count === 1,
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
