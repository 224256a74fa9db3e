// Users of one realm. Built per realm: every query's key starts with the realm id.
import { Prisma, type User } from '../../generated/prisma/client.js';
import type { Db } from '../../db/types.js';
import type { SqlPool } from '../../db/prisma.js';
import { selectRows } from '../../db/sql-rows.js';

export interface NewUser {
  email: string;
  emailVerified?: boolean;
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  passwordHash?: string;
}

/** Profile and state an administrator may change (src/modules/users/user-admin.service.ts). */
export interface UserChanges {
  email?: string;
  emailVerified?: boolean;
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  disabled?: boolean;
}

/** `text` for a LIKE pattern that matches it literally: `\`, `%` and `_` escaped with `\`. */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const BY_ID = 'SELECT * FROM "User" WHERE "realmId" = $1::uuid AND "id" = $2::uuid';
/** The user and password hash of an email, in one round trip. */
const WITH_PASSWORD = `SELECT u.*, p."hash" AS "passwordHash" FROM "User" u
  LEFT JOIN "PasswordCredential" p ON p."realmId" = u."realmId" AND p."userId" = u."id"
  WHERE u."realmId" = $1::uuid AND u."email" = $2`;

/** `sql`: the pool under Prisma, for the sign-in lookup outside a transaction (src/db/sql-rows.ts). */
export function createUsersRepo(db: Db, realmId: string, sql?: SqlPool) {
  return {
    /** Through the pool outside a transaction: findAccount reads the user at every step of a sign-in. */
    findById: async (id: string): Promise<User | null> =>
      sql ? ((await selectRows<User>(sql, BY_ID, [realmId, id]))[0] ?? null) : db.user.findUnique({ where: { realmId_id: { realmId, id } } }),
    findByEmail: (email: string) => db.user.findUnique({ where: { realmId_email: { realmId, email: email.toLowerCase() } } }),
    /**
     * The user and their password hash in one round trip (a Prisma `include` is two queries here):
     * every password sign-in, hosted or direct, starts with it.
     */
    findByEmailWithPassword: async (email: string): Promise<(User & { password: { hash: string } | null }) | null> => {
      type Row = User & { passwordHash: string | null };
      const values = [realmId, email.toLowerCase()];
      const rows = sql ? await selectRows<Row>(sql, WITH_PASSWORD, values) : await db.$queryRawUnsafe<Row[]>(WITH_PASSWORD, ...values);
      const row = rows[0];
      if (!row) return null;
      const { passwordHash, ...user } = row;
      return { ...user, password: passwordHash ? { hash: passwordHash } : null };
    },
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
    // User management (src/modules/users/user-admin.service.ts).
    update: (id: string, changes: UserChanges) => db.user.update({ where: { realmId_id: { realmId, id } }, data: changes }),
    /** Deletes the user; credentials, consents, roles and mailed tokens go with it (ON DELETE CASCADE). */
    remove: async (id: string) => (await db.user.deleteMany({ where: { realmId, id } })).count > 0,
    hasPassword: async (userId: string) => (await db.passwordCredential.count({ where: { realmId, userId } })) > 0,
    /**
     * Users whose email or name contains `text` (case-insensitive), in id order after `cursor`.
     * ILIKE with an explicit escape character: `%` and `_` in the text match only themselves.
     * The pg_trgm GIN indexes on email and name serve the substring match (three characters or
     * more; shorter text scans the realm's users, a page still bounded by `take`).
     */
    search: ({ text, take, cursor }: { text: string; take: number; cursor?: string }) => {
      const pattern = `%${likeLiteral(text)}%`;
      const after = cursor ? Prisma.sql`AND "id" > ${cursor}::uuid` : Prisma.empty;
      return db.$queryRaw<User[]>`
        SELECT * FROM "User"
        WHERE "realmId" = ${realmId}::uuid
          AND ("email" ILIKE ${pattern} ESCAPE '\\' OR "name" ILIKE ${pattern} ESCAPE '\\')
          ${after}
        ORDER BY "id" ASC
        LIMIT ${take}`;
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
