// API resources of one realm: registering one makes the realm issue RFC 9068 JWT access tokens
// for it (src/oidc/resources.ts). Every change is announced so every instance rebuilds the provider.
import { Prisma, type ApiResource } from '../../generated/prisma/client.js';
import { problems } from '../../http/problem.js';
import { parseOrThrow } from '../../http/validate.js';
import { decodeTimeCursor, timeCursorOf, toPage, type Page } from '../../http/pagination.js';
import { apiAccessOf } from '../apps/apps.service.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import type { RealmEvents } from '../../stores/realm-events.js';
import type { Actor } from '../audit/actor.js';
import { createApiResourceSchema, type CreateApiResourceInput } from './api-resources.schemas.js';

export interface ApiResourceView {
  id: string;
  identifier: string;
  name: string;
  scopes: string[];
  accessTokenTtl: number | null;
  createdAt: string;
}

export const toApiResourceView = (r: ApiResource): ApiResourceView => ({
  id: r.id, identifier: r.identifier, name: r.name, scopes: r.scopes, accessTokenTtl: r.accessTokenTtl, createdAt: r.createdAt.toISOString(),
});

export function createApiResourcesService(scope: RealmScope, events: RealmEvents) {
  return {
    list: async () => (await scope.apiResources.list()).map(toApiResourceView),
    /** A page of resources, oldest first. */
    async page(query: { limit: number; cursor?: string }): Promise<Page<ApiResourceView>> {
      const rows = await scope.apiResources.page({ take: query.limit + 1, after: query.cursor ? decodeTimeCursor(query.cursor) : undefined });
      return toPage(rows, query.limit, timeCursorOf, toApiResourceView);
    },
    /**
     * Deletes the resource and takes it out of every app's API access, in one transaction; its
     * JWT access tokens stay valid at resource servers until they expire (RFC 9068 tokens are
     * self-contained). False: no such resource.
     */
    async remove(id: string, actor: Actor) {
      const removed = await scope.inTransaction(async (tx) => {
        const resource = await tx.apiResources.findById(id).catch(() => null);
        if (!resource) return null;
        for (const app of await tx.apps.list()) {
          const access = apiAccessOf(app);
          if (access.some((a) => a.resource === resource.identifier)) await tx.apps.update(app.id, { apiAccess: access.filter((a) => a.resource !== resource.identifier) });
        }
        await tx.apiResources.delete(id);
        await tx.audit.append({ ...actor, action: 'resource.deleted', target: `resource:${resource.identifier}` });
        return resource;
      });
      if (removed) await events.publishChanged(scope.realm.name);
      return Boolean(removed);
    },
    async get(id: string) {
      const resource = await scope.apiResources.findById(id).catch(() => null); // not a uuid: not found
      return resource ? toApiResourceView(resource) : null;
    },
    async create(input: CreateApiResourceInput, actor: Actor) {
      const data = parseOrThrow(createApiResourceSchema, input);
      try {
        const created = await scope.inTransaction(async (tx) => {
          const resource = await tx.apiResources.create({ ...data, accessTokenTtl: data.accessTokenTtl ?? null });
          await tx.audit.append({ ...actor, action: 'resource.created', target: `resource:${resource.identifier}` });
          return resource;
        });
        await events.publishChanged(scope.realm.name);
        return toApiResourceView(created);
      } catch (err) {
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
          throw problems.conflict('resource_exists', 'An API resource with this identifier already exists in this realm.');
        }
        throw err;
      }
    },
  };
}

export type ApiResourcesService = ReturnType<typeof createApiResourcesService>;
