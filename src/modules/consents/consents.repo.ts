// Remembered consents: which scopes a user granted an app, so consent is asked again only for more.
import type { Db } from '../../db/types.js';

export function createConsentsRepo(db: Db, realmId: string) {
  return {
    find: (userId: string, appId: string) => db.consent.findUnique({ where: { realmId_userId_appId: { realmId, userId, appId } } }),
    async remember(userId: string, appId: string, scopes: string[]) {
      const existing = await db.consent.findUnique({ where: { realmId_userId_appId: { realmId, userId, appId } } });
      const merged = [...new Set([...(existing?.scopes ?? []), ...scopes])].sort();
      await db.consent.upsert({
        where: { realmId_userId_appId: { realmId, userId, appId } },
        create: { realmId, userId, appId, scopes: merged },
        update: { scopes: merged },
      });
    },
  };
}

export type ConsentsRepo = ReturnType<typeof createConsentsRepo>;
