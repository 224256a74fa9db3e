// The services the HTTP API, the CLI and the demo seed share. Realm-level services are made
// per realm from a RealmScope, so the realm is captured once.
import { canSendMail, type Config } from './config/config.js';
import type { PrismaClient } from './db/types.js';
import type { SqlPool } from './db/prisma.js';
import { createApiResourcesService } from './modules/api-resources/api-resources.service.js';
import { createApiKeysService } from './modules/api-keys/api-keys.service.js';
import { createAppsService } from './modules/apps/apps.service.js';
import { createRealmsService } from './modules/realms/realms.service.js';
import { createKeyPool } from './modules/signing-keys/key-pool.js';
import { createSigningKeysService, SIGNING_ALGS } from './modules/signing-keys/signing-keys.service.js';
import { createUsersService } from './modules/users/users.service.js';
import { createRealmScope, type RealmRecord } from './realms/realm-scope.js';
import { createSealer } from './security/encryption.js';
import type { PasswordHasher } from './security/passwords.js';
import type { RealmEvents } from './stores/realm-events.js';
import { createMailOutbox } from './modules/mail/mail-outbox.js';
import { createUserTokensService } from './modules/user-tokens/user-tokens.service.js';
import { createAccountSessions } from './modules/sessions/account-sessions.js';
import { createArtifactProtector } from './stores/artifact-protection.js';
import type { Stores } from './stores/stores.js';
import { createMailLimits } from './modules/mail/mail-limits.js';
import { createAfterAnswer } from './modules/account-mail/after-answer.js';
import type { Logger } from './observability/logger.js';
import { createAccountServices } from './modules/account-mail/account-services.js';
import { createUserAdminService } from './modules/users/user-admin.service.js';
import { createMfaMethods } from './modules/mfa/mfa-methods.js';
import { createMfaService } from './modules/mfa/mfa.service.js';
import { createRememberBrowser } from './modules/mfa/remember-browser.js';
import { createPasskeyChallenges } from './modules/passkeys/passkey-challenges.js';
import { createPasskeysService } from './modules/passkeys/passkeys.service.js';
import { createAuditQuery, type AuditFilter } from './modules/audit/audit-query.js';
import { LRUCache } from 'lru-cache';

/** Realms whose services stay built (see forRealm). */
const REALM_SERVICES_CACHED = 1000;

export function createServices(deps: { config: Readonly<Config>; prisma: PrismaClient; sql: SqlPool; events: RealmEvents; passwords: PasswordHasher; stores: Pick<Stores, 'artifacts' | 'rateLimiter'>; logger?: Pick<Logger, 'error'> }) {
  const { config, prisma, events, passwords, stores } = deps;
  const sealer = createSealer(config.masterKey, 'signing-keys');
  // Ready key pairs for new realms and rotations; filled only once the server starts it.
  const signingKeyPool = createKeyPool({ algs: SIGNING_ALGS, size: config.signingKeyPoolSize, onError: (err) => deps.logger?.error({ err }, 'could not generate a signing key for the key pool') });
  const protector = createArtifactProtector(config.masterKey);
  const mailOutbox = createMailOutbox(createSealer(config.masterKey, 'mail-outbox'));
  const userTokens = createUserTokensService(config.masterKey);
  const mailLimits = createMailLimits(stores, config.masterKey, config.mailLimits);
  const afterAnswer = createAfterAnswer(deps.logger);
  const auditQuery = createAuditQuery(prisma);
  /** Everything that acts inside one realm, built from its record. */
  function buildForRealm(realm: RealmRecord) {
    const scope = createRealmScope(prisma, realm, false, deps.sql);
    const sessions = createAccountSessions(stores.artifacts, realm.id, protector);
    return {
      scope,
      apps: createAppsService(scope, events),
      users: createUsersService(scope, passwords),
      signingKeys: createSigningKeysService(scope, sealer, signingKeyPool.take),
      apiResources: createApiResourcesService(scope, events),
      /** Every session, grant and token of an account (sign out everywhere). */
      sessions,
      ...createAccountServices({ scope, config, mailOutbox, mailLimits, userTokens, passwords, sessions, afterAnswer }),
      /** An administrator's changes to users: update, delete, set password, sign out everywhere. */
      userAdmin: createUserAdminService(scope, { passwords, userTokens, sessions, masterKey: config.masterKey }),
      /** A user's second factors (list, remove, reset). */
      mfa: createMfaService(scope),
      /** The realm's audit trail, newest first, filtered and paged (src/modules/audit/audit-query.ts). */
      auditQuery: { list: (filter: AuditFilter) => auditQuery.list(realm.id, filter) },
    };
  }
  // What forRealm builds holds no per-request state, only the realm and shared pieces; building
  // it (a scope of repos, settings parsed, keys derived) costs about half a millisecond, which the
  // realm's every request paid. So it is built once per realm and version: the key is what it is
  // built from, so an updated realm (new settings, name or owner) gets new services at once.
  // Bounded, for deployments with many realms; an evicted realm is rebuilt on its next request.
  const built = new LRUCache<string, { from: string; services: ReturnType<typeof buildForRealm> }>({ max: REALM_SERVICES_CACHED });
  return {
    realms: createRealmsService({ prisma, sealer, events, artifacts: stores.artifacts, baseUrl: config.baseUrl, mailAvailable: canSendMail(config), keyPool: signingKeyPool }),
    /** Pre-generated signing key pairs (src/modules/signing-keys/key-pool.ts). */
    signingKeyPool,
    /** Queues mail in the caller's transaction (src/modules/mail/mail-outbox.ts). */
    mailOutbox,
    /** Per address, source and realm limits on mail (src/modules/mail/mail-limits.ts). */
    mailLimits,
    /** Account work done after its answer (src/modules/account-mail/after-answer.ts); drained on shutdown. */
    afterAnswer,
    /** Single-use mailed tokens (src/modules/user-tokens/user-tokens.service.ts). */
    userTokens,
    /** Keys artifact names and seals payloads: the one the realms' OIDC adapters use. */
    artifactProtector: protector,
    /** Second-factor methods (src/modules/mfa/mfa-methods.ts): TOTP, recovery codes. */
    mfaMethods: createMfaMethods(config.masterKey),
    /** "Remember this browser" after a second factor (src/modules/mfa/remember-browser.ts). */
    mfaRemember: createRememberBrowser(config.masterKey, config.baseUrl.startsWith('https:')),
    /** Passkeys (src/modules/passkeys/): WebAuthn ceremonies, challenges in the artifact store. */
    passkeys: createPasskeysService({ baseUrl: config.baseUrl, challenges: createPasskeyChallenges(stores.artifacts, protector) }),
    apiKeys: createApiKeysService(prisma, deps.sql),
    /** Everything that acts inside one realm. */
    forRealm(realm: RealmRecord) {
      const from = JSON.stringify([realm.name, realm.displayName, realm.ownerId, realm.settings]);
      const cached = built.get(realm.id);
      if (cached?.from === from) return cached.services;
      const services = buildForRealm(realm);
      built.set(realm.id, { from, services });
      return services;
    },
  };
}

export type Services = ReturnType<typeof createServices>;
export type RealmServices = ReturnType<Services['forRealm']>;
