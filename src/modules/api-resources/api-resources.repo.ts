// API resources (RFC 8707 resource indicators) of one realm: their access tokens are JWTs (RFC 9068).
import type { Db } from '../../db/types.js';
import { newerThan } from '../../http/pagination.js';

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
    /** A page of resources, oldest first, after the (createdAt, id) position `after`. */
    page: ({ take, after }: { take: number; after?: { createdAt: Date; id: string } }) =>
      db.apiResource.findMany({ where: { realmId, ...(after ? newerThan(after) : {}) }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take }),
    delete: (id: string) => db.apiResource.delete({ where: { realmId_id: { realmId, id } } }),
  };
}

export type ApiResourcesRepo = ReturnType<typeof createApiResourcesRepo>;
