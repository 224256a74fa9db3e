// Realm scope, captured once: every repo here is built for one realm id, so code holding a
// RealmScope cannot read or write another realm's rows.
import type { Db } from '../db/types.js';
import { createApiResourcesRepo } from '../modules/api-resources/api-resources.repo.js';
import { createAppsRepo } from '../modules/apps/apps.repo.js';
import { createAuditRepo } from '../modules/audit/audit.repo.js';
import { createConsentsRepo } from '../modules/consents/consents.repo.js';
import { createSigningKeysRepo } from '../modules/signing-keys/signing-keys.repo.js';
import { createUsersRepo } from '../modules/users/users.repo.js';
import { parseRealmSettings, type RealmSettings } from './realm-settings.js';

export interface RealmRecord {
  id: string;
  name: string;
  displayName: string;
  ownerId: string | null;
  settings: unknown;
}

export function createRealmScope(db: Db, realm: RealmRecord) {
  const realmId = realm.id;
  return {
    realm: { id: realm.id, name: realm.name, displayName: realm.displayName, ownerId: realm.ownerId },
    settings: parseRealmSettings(realm.settings) as RealmSettings,
    users: createUsersRepo(db, realmId),
    apps: createAppsRepo(db, realmId),
    consents: createConsentsRepo(db, realmId),
    apiResources: createApiResourcesRepo(db, realmId),
    audit: createAuditRepo(db, realmId),
    signingKeys: createSigningKeysRepo(db, realmId),
  };
}

export type RealmScope = ReturnType<typeof createRealmScope>;

/** Realm names are URL path segments and issuer suffixes: lower-case DNS-label style. */
export const REALM_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const ADMIN_REALM = 'admin';
