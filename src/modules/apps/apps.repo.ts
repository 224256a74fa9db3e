// OAuth clients ("apps") of one realm.
import type { Db } from '../../db/types.js';
import type { AppType, Prisma } from '../../generated/prisma/client.js';

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

export function createAppsRepo(db: Db, realmId: string) {
  return {
    list: () => db.app.findMany({ where: { realmId }, orderBy: { createdAt: 'asc' } }),
    findById: (id: string) => db.app.findUnique({ where: { realmId_id: { realmId, id } } }),
    findByClientId: (clientId: string) => db.app.findUnique({ where: { realmId_clientId: { realmId, clientId } } }),
    create: (app: NewApp) => db.app.create({ data: { realmId, ...app } }),
    update: (id: string, changes: AppChanges) => db.app.update({ where: { realmId_id: { realmId, id } }, data: changes }),
  };
}

export type AppsRepo = ReturnType<typeof createAppsRepo>;
