// Realm scope, captured once: every repo here is built for one realm id, so code holding a
// RealmScope cannot read or write another realm's rows.
import type { Db, PrismaClient } from '../db/types.js';
import type { SqlPool } from '../db/prisma.js';
import { createApiResourcesRepo, type ApiResourcesRepo } from '../modules/api-resources/api-resources.repo.js';
import { createAppsRepo, type AppsRepo } from '../modules/apps/apps.repo.js';
import { createAuditRepo, type AuditRepo } from '../modules/audit/audit.repo.js';
import { createConsentsRepo, type ConsentsRepo } from '../modules/consents/consents.repo.js';
import { createSigningKeysRepo, type SigningKeysRepo } from '../modules/signing-keys/signing-keys.repo.js';
import { createUsersRepo, type UsersRepo } from '../modules/users/users.repo.js';
import { createMailRepo, type MailRepo } from '../modules/mail/mail.repo.js';
import { createUserTokensRepo, type UserTokensRepo } from '../modules/user-tokens/user-tokens.repo.js';
import { createTotpRepo, type TotpRepo } from '../modules/totp/totp.repo.js';
import { createRecoveryCodesRepo, type RecoveryCodesRepo } from '../modules/recovery-codes/recovery-codes.repo.js';
import { createRememberBrowserRepo, type RememberBrowserRepo } from '../modules/mfa/remember-browser.repo.js';
import { createPasskeysRepo, type PasskeysRepo } from '../modules/passkeys/passkeys.repo.js';
import { parseRealmSettings, type RealmSettings } from './realm-settings.js';

export interface RealmRecord {
  id: string;
  name: string;
  displayName: string;
  ownerId: string | null;
  settings: unknown;
}

/**
 * `inTransaction`: true when `db` is already an interactive transaction. `sql`: the pool under
 * Prisma, for the hot lookups of a scope outside a transaction (src/db/sql-rows.ts).
 */
export function createRealmScope(db: Db, realm: RealmRecord, inTransaction = false, sql?: SqlPool): RealmScope {
  const realmId = realm.id;
  const pooled = inTransaction ? undefined : sql;
  return {
    realm: { id: realm.id, name: realm.name, displayName: realm.displayName, ownerId: realm.ownerId },
    settings: parseRealmSettings(realm.settings),
    users: createUsersRepo(db, realmId, pooled),
    apps: createAppsRepo(db, realmId, pooled),
    consents: createConsentsRepo(db, realmId),
    apiResources: createApiResourcesRepo(db, realmId),
    audit: createAuditRepo(db, realmId, pooled),
    signingKeys: createSigningKeysRepo(db, realmId),
    mail: createMailRepo(db, realmId),
    userTokens: createUserTokensRepo(db, realmId),
    totp: createTotpRepo(db, realmId),
    recoveryCodes: createRecoveryCodesRepo(db, realmId),
    rememberBrowser: createRememberBrowserRepo(db, realmId),
    passkeys: createPasskeysRepo(db, realmId),
    /** Runs `fn` with repos bound to one transaction: all of its writes land, or none. */
    inTransaction<T>(fn: (tx: RealmScope) => Promise<T>): Promise<T> {
      if (inTransaction) return fn(createRealmScope(db, realm, true));
      return (db as PrismaClient).$transaction((tx) => fn(createRealmScope(tx, realm, true)), { timeout: 15_000 });
    },
  };
}

export interface RealmScope {
  realm: { id: string; name: string; displayName: string; ownerId: string | null };
  settings: RealmSettings;
  users: UsersRepo;
  apps: AppsRepo;
  consents: ConsentsRepo;
  apiResources: ApiResourcesRepo;
  audit: AuditRepo;
  signingKeys: SigningKeysRepo;
  mail: MailRepo;
  userTokens: UserTokensRepo;
  totp: TotpRepo;
  recoveryCodes: RecoveryCodesRepo;
  rememberBrowser: RememberBrowserRepo;
  passkeys: PasskeysRepo;
  inTransaction<T>(fn: (tx: RealmScope) => Promise<T>): Promise<T>;
}

/** Realm names are URL path segments and issuer suffixes: lower-case DNS-label style. */
export const REALM_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const ADMIN_REALM = 'admin';
