// OAuth clients ("apps") of one realm.
import type { Db } from '../../db/types.js';
import type { SqlPool } from '../../db/prisma.js';
import { selectRows } from '../../db/sql-rows.js';
import type { App, AppType, Prisma } from '../../generated/prisma/client.js';
import { newerThan } from '../../http/pagination.js';

export interface NewApp {
  clientId: string;
  name: string;
  type: AppType;
  clientSecretHash: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  firstParty: boolean;
  apiAccess: Prisma.InputJsonValue;
  requirePkce: boolean;
  tokenEndpointAuthMethod: string;
  directAuth: boolean;
  mfa: string | null;
}

export type AppChanges = Partial<Pick<NewApp, 'name' | 'redirectUris' | 'postLogoutRedirectUris' | 'firstParty' | 'apiAccess' | 'requirePkce' | 'tokenEndpointAuthMethod' | 'directAuth' | 'mfa'>>;

const BY_CLIENT_ID = 'SELECT * FROM "App" WHERE "realmId" = $1::uuid AND "clientId" = $2';

/** `sql`: the pool under Prisma, for the by-client-id lookup outside a transaction (src/db/sql-rows.ts). */
export function createAppsRepo(db: Db, realmId: string, sql?: SqlPool) {
  return {
    list: () => db.app.findMany({ where: { realmId }, orderBy: { createdAt: 'asc' } }),
    findById: (id: string) => db.app.findUnique({ where: { realmId_id: { realmId, id } } }),
    findByClientId: async (clientId: string): Promise<App | null> =>
      sql ? ((await selectRows<App>(sql, BY_CLIENT_ID, [realmId, clientId]))[0] ?? null) : db.app.findUnique({ where: { realmId_clientId: { realmId, clientId } } }),
    create: (app: NewApp) => db.app.create({ data: { realmId, ...app } }),
    update: (id: string, changes: AppChanges) => db.app.update({ where: { realmId_id: { realmId, id } }, data: changes }),
    /** A page of apps, oldest first, after the (createdAt, id) position `after`. */
    page: ({ take, after }: { take: number; after?: { createdAt: Date; id: string } }) =>
      db.app.findMany({ where: { realmId, ...(after ? newerThan(after) : {}) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take }),
    setSecret: (id: string, secret: { clientSecretHash: string; previousSecretHash: string | null; previousSecretExpiresAt: Date | null }) =>
      db.app.update({ where: { realmId_id: { realmId, id } }, data: secret }),
    /** Its consents go with it (ON DELETE CASCADE). */
    delete: (id: string) => db.app.delete({ where: { realmId_id: { realmId, id } } }),
  };
}

export type AppsRepo = ReturnType<typeof createAppsRepo>;
