// API resources (RFC 8707 resource indicators) of one realm: their access tokens are JWTs (RFC 9068).
import type { Db } from '../../db/types.js';

export interface NewApiResource {
  identifier: string;
  name: string;
  scopes: string[];
  accessTokenTtl?: number | null;
}

export function createApiResourcesRepo(db: Db, realmId: string) {
  return {
    list: () => db.apiResource.findMany({ where: { realmId }, orderBy: { createdAt: 'asc' } }),
    findById: (id: string) => db.apiResource.findUnique({ where: { realmId_id: { realmId, id } } }),
    findByIdentifier: (identifier: string) => db.apiResource.findUnique({ where: { realmId_identifier: { realmId, identifier } } }),
    create: (resource: NewApiResource) => db.apiResource.create({ data: { realmId, ...resource } }),
  };
}

export type ApiResourcesRepo = ReturnType<typeof createApiResourcesRepo>;
