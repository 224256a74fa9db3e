// The services the HTTP API, the CLI and the demo seed share. Realm-level services are made
// per realm from a RealmScope, so the realm is captured once.
import type { Config } from './config/config.js';
import type { PrismaClient } from './db/types.js';
import { createApiResourcesService } from './modules/api-resources/api-resources.service.js';
import { createApiKeysService } from './modules/api-keys/api-keys.service.js';
import { createAppsService } from './modules/apps/apps.service.js';
import { createRealmsService } from './modules/realms/realms.service.js';
import { createSigningKeysService } from './modules/signing-keys/signing-keys.service.js';
import { createUsersService } from './modules/users/users.service.js';
import { createRealmScope, type RealmRecord } from './realms/realm-scope.js';
import { createSealer } from './security/encryption.js';
import type { PasswordHasher } from './security/passwords.js';
import type { RealmEvents } from './stores/realm-events.js';

export function createServices(deps: { config: Readonly<Config>; prisma: PrismaClient; events: RealmEvents; passwords: PasswordHasher }) {
  const { config, prisma, events, passwords } = deps;
  const sealer = createSealer(config.masterKey, 'signing-keys');
  return {
    realms: createRealmsService({ prisma, sealer, events, baseUrl: config.baseUrl }),
    apiKeys: createApiKeysService(prisma),
    /** Everything that acts inside one realm. */
    forRealm(realm: RealmRecord) {
      const scope = createRealmScope(prisma, realm);
      return {
        scope,
        apps: createAppsService(scope, events),
        users: createUsersService(scope, passwords),
        signingKeys: createSigningKeysService(scope, sealer),
        apiResources: createApiResourcesService(scope, events),
      };
    },
  };
}

export type Services = ReturnType<typeof createServices>;
export type RealmServices = ReturnType<Services['forRealm']>;
