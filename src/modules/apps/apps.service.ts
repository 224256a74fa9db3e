// Apps of one realm. A confidential app's secret is generated here, returned once, and stored
// only as SHA-256. Every change is announced so every instance rebuilds the realm's provider.
import { Prisma, type App } from '../../generated/prisma/client.js';
import { parseOrThrow } from '../../http/validate.js';
import { isConfidential } from '../../oidc/client-metadata.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import { randomToken, sha256 } from '../../security/tokens.js';
import type { RealmEvents } from '../../stores/realm-events.js';
import type { Actor } from '../audit/actor.js';
import { createAppSchema, defaultGrantTypes, type CreateAppInput } from './apps.schemas.js';

export interface AppView {
  id: string;
  clientId: string;
  name: string;
  type: App['type'];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  firstParty: boolean;
  createdAt: string;
}

export function toAppView(app: App): AppView {
  const { id, clientId, name, type, redirectUris, postLogoutRedirectUris, grantTypes, firstParty } = app;
  return { id, clientId, name, type, redirectUris, postLogoutRedirectUris, grantTypes, firstParty, createdAt: app.createdAt.toISOString() };
}

export function createAppsService(scope: RealmScope, events: RealmEvents) {
  return {
    list: async () => (await scope.apps.list()).map(toAppView),
    async get(id: string) {
      const app = await scope.apps.findById(id).catch(() => null);
      return app ? toAppView(app) : null;
    },
    /** Returns the app and, for confidential apps, its secret: the only time it is ever visible. */
    async create(input: CreateAppInput, actor: Actor) {
      const data = parseOrThrow(createAppSchema, input);
      const clientSecret = isConfidential(data) ? `ghs_${randomToken(32)}` : undefined;
      const app = await scope.inTransaction(async (tx) => {
        const created = await tx.apps.create({
        clientId: `app_${randomToken(12)}`,
        name: data.name,
        type: data.type,
        clientSecretHash: clientSecret ? sha256(clientSecret) : null,
        redirectUris: data.redirectUris,
        postLogoutRedirectUris: data.postLogoutRedirectUris,
        grantTypes: data.grantTypes ?? defaultGrantTypes(data.type),
        firstParty: data.firstParty,
        });
        await tx.audit.append({ ...actor, action: 'app.created', target: `app:${created.clientId}` });
        return created;
      });
      await events.publishChanged(scope.realm.name);
      return { app: toAppView(app), clientSecret };
    },
  };
}

export type AppsService = ReturnType<typeof createAppsService>;
export { Prisma };
