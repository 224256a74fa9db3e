// Remembered consents: which scopes a user granted an app, so consent is asked again only for more.
import type { Db } from '../../db/types.js';

export function createConsentsRepo(db: Db, realmId: string) {
  return {
    /** The user's remembered consents with their app, newest first (the account page's connected apps). */
    listForUser: (userId: string) => db.consent.findMany({ where: { realmId, userId }, include: { app: true }, orderBy: { updatedAt: 'desc' } }),
    /** Forgets the consent; false when there was none. */
    remove: async (userId: string, appId: string) => (await db.consent.deleteMany({ where: { realmId, userId, appId } })).count > 0,
    find: (userId: string, appId: string) => db.consent.findUnique({ where: { realmId_userId_appId: { realmId, userId, appId } } }),
    /**
     * Adds `scopes` to what the user granted the app, in one statement: a read-then-write would let
     * two concurrent consents (two tabs, two instances) each overwrite the other's scopes. ON
     * CONFLICT DO UPDATE locks the row and merges into its latest version. Scopes are kept
     * distinct and sorted by code point (COLLATE "C"), like a JavaScript sort().
     * updatedAt has no database default (Prisma's @updatedAt sets it): set here, in UTC like Prisma.
     */
    async remember(userId: string, appId: string, scopes: string[]) {
      await db.$executeRaw`
        INSERT INTO "Consent" ("realmId", "userId", "appId", "scopes", "updatedAt")
        VALUES (${realmId}::uuid, ${userId}::uuid, ${appId}::uuid,
                ARRAY(SELECT DISTINCT s COLLATE "C" FROM unnest(${scopes}::text[]) AS t(s) ORDER BY 1),
                now() AT TIME ZONE 'UTC')
        ON CONFLICT ("realmId", "userId", "appId") DO UPDATE SET
          "scopes" = ARRAY(SELECT DISTINCT s COLLATE "C" FROM unnest("Consent"."scopes" || EXCLUDED."scopes") AS t(s) ORDER BY 1),
          "updatedAt" = EXCLUDED."updatedAt"`;
    },
  };
}

export type ConsentsRepo = ReturnType<typeof createConsentsRepo>;
