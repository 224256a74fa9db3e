// The services the HTTP API, the CLI and the demo seed share. Realm-level services are made
// per realm from a RealmScope, so the realm is captured once.
import { canSendMail, type Config } from './config/config.js';
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
import { createAuditQuery, type AuditFilter } from './modules/audit/audit-query.js';

export function createServices(deps: { config: Readonly<Config>; prisma: PrismaClient; events: RealmEvents; passwords: PasswordHasher; stores: Pick<Stores, 'artifacts' | 'rateLimiter'>; logger?: Pick<Logger, 'error'> }) {
  const { config, prisma, events, passwords, stores } = deps;
  const sealer = createSealer(config.masterKey, 'signing-keys');
  const protector = createArtifactProtector(config.masterKey);
  const mailOutbox = createMailOutbox(createSealer(config.masterKey, 'mail-outbox'));
  const userTokens = createUserTokensService(config.masterKey);
  const mailLimits = createMailLimits(stores, config.masterKey, config.mailLimits);
  const afterAnswer = createAfterAnswer(deps.logger);
  const auditQuery = createAuditQuery(prisma);
  return {
    realms: createRealmsService({ prisma, sealer, events, artifacts: stores.artifacts, baseUrl: config.baseUrl, mailAvailable: canSendMail(config) }),
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
    apiKeys: createApiKeysService(prisma),
    /** Everything that acts inside one realm. */
    forRealm(realm: RealmRecord) {
      const scope = createRealmScope(prisma, realm);
      const sessions = createAccountSessions(stores.artifacts, realm.id, protector);
      return {
        scope,
        apps: createAppsService(scope, events),
        users: createUsersService(scope, passwords),
        signingKeys: createSigningKeysService(scope, sealer),
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
    },
  };
}

export type Services = ReturnType<typeof createServices>;
export type RealmServices = ReturnType<Services['forRealm']>;
