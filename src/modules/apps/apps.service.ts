// Apps of one realm. A confidential app's secret is generated here, returned once, and stored
// only as SHA-256. Every change is announced so every instance rebuilds the realm's provider.
import type { App } from '../../generated/prisma/client.js';
import { ProblemError, problems, type FieldError } from '../../http/problem.js';
import { parseOrThrow } from '../../http/validate.js';
import { decodeTimeCursor, timeCursorOf, toPage, type Page } from '../../http/pagination.js';
import { z } from 'zod';
import { isConfidential, requiresPkce, tokenEndpointAuthMethodOf } from '../../oidc/client-metadata.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import { randomToken, sha256 } from '../../security/tokens.js';
import type { RealmEvents } from '../../stores/realm-events.js';
import type { Actor } from '../audit/actor.js';
import { mfaPolicySchema, type MfaPolicy } from '../../realms/realm-settings.js';
import { createAppSchema, defaultGrantTypes, directAuthProblem, updateAppSchema, type ApiAccess, type CreateAppInput, type UpdateAppInput } from './apps.schemas.js';

export interface AppView {
  id: string;
  clientId: string;
  name: string;
  type: App['type'];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  firstParty: boolean;
  apiAccess: ApiAccess;
  /** Whether authorization requests must carry PKCE; always true for public apps. */
  requirePkce: boolean;
  /** client_secret_basic or client_secret_post for confidential apps, none for public ones. */
  tokenEndpointAuthMethod: string;
  /** Whether the direct authentication API may sign users in for this app. */
  directAuth: boolean;
  /** Second-factor policy; null: the realm's. */
  mfa: MfaPolicy | null;
  createdAt: string;
}

/** The stored apiAccess column (written only through this service, so it has the validated shape). */
export const apiAccessOf = (app: Pick<App, 'apiAccess'>) => (Array.isArray(app.apiAccess) ? (app.apiAccess as unknown as ApiAccess) : []);

/** The stored mfa column (written only through this service; anything else reads as inherit). */
export const appMfaOf = (app: Pick<App, 'mfa'>): MfaPolicy | null => mfaPolicySchema.safeParse(app.mfa).data ?? null;

export function toAppView(app: App): AppView {
  const { id, clientId, name, type, redirectUris, postLogoutRedirectUris, grantTypes, firstParty } = app;
  return {
    id, clientId, name, type, redirectUris, postLogoutRedirectUris, grantTypes, firstParty, apiAccess: apiAccessOf(app),
    requirePkce: requiresPkce(app), tokenEndpointAuthMethod: tokenEndpointAuthMethodOf(app), directAuth: app.directAuth, mfa: appMfaOf(app), createdAt: app.createdAt.toISOString(),
  };
}

/** 400 direct_auth_not_allowed when the app may not have directAuth on. */
function checkDirectAuth(app: Parameters<typeof directAuthProblem>[0]) {
  const problem = directAuthProblem(app);
  if (problem) throw new ProblemError(400, 'direct_auth_not_allowed', 'Direct authentication not allowed', problem, [{ path: 'directAuth', code: 'direct_auth_not_allowed', message: problem }]);
}

/** Each API in `access` must be registered in this realm and define the scopes asked for. */
async function checkApiAccess(scope: RealmScope, access: ApiAccess) {
  const errors: FieldError[] = [];
  for (const [i, entry] of access.entries()) {
    const resource = await scope.apiResources.findByIdentifier(entry.resource);
    if (!resource) {
      errors.push({ path: `apiAccess.${i}.resource`, code: 'unknown_resource', message: 'is not an API resource of this realm' });
      continue;
    }
    entry.scopes.forEach((s, j) => {
      if (!resource.scopes.includes(s)) errors.push({ path: `apiAccess.${i}.scopes.${j}`, code: 'unknown_scope', message: `is not a scope of ${resource.identifier}` });
    });
  }
  if (errors.length) throw problems.validation(errors);
}

/** Secret rotation: how long the replaced secret keeps working, by default and at most (seconds). */
export const DEFAULT_SECRET_GRACE_SECONDS = 24 * 60 * 60;
export const MAX_SECRET_GRACE_SECONDS = 30 * 24 * 60 * 60;
export const rotateSecretSchema = z.object({ graceSeconds: z.number().int().min(0).max(MAX_SECRET_GRACE_SECONDS).default(DEFAULT_SECRET_GRACE_SECONDS) }).strict();

export function createAppsService(scope: RealmScope, events: RealmEvents, artifacts?: { revokeClient(realmId: string, clientId: string): Promise<void> }) {
  return {
    list: async () => (await scope.apps.list()).map(toAppView),
    /** A page of apps, oldest first. */
    async page(query: { limit: number; cursor?: string }): Promise<Page<AppView>> {
      const rows = await scope.apps.page({ take: query.limit + 1, after: query.cursor ? decodeTimeCursor(query.cursor) : undefined });
      return toPage(rows, query.limit, timeCursorOf, toAppView);
    },
    async get(id: string) {
      const app = await scope.apps.findById(id).catch(() => null);
      return app ? toAppView(app) : null;
    },
    /** Returns the app and, for confidential apps, its secret: the only time it is ever visible. */
    async create(input: CreateAppInput, actor: Actor) {
      const data = parseOrThrow(createAppSchema, input);
      checkDirectAuth(data);
      const clientSecret = isConfidential(data) ? `ghs_${randomToken(32)}` : undefined;
      const app = await scope.inTransaction(async (tx) => {
        await checkApiAccess(tx, data.apiAccess);
        const created = await tx.apps.create({
          clientId: `app_${randomToken(12)}`,
          name: data.name,
          type: data.type,
          clientSecretHash: clientSecret ? sha256(clientSecret) : null,
          redirectUris: data.redirectUris,
          postLogoutRedirectUris: data.postLogoutRedirectUris,
          grantTypes: data.grantTypes ?? defaultGrantTypes(data.type),
          firstParty: data.firstParty,
          apiAccess: data.apiAccess,
          requirePkce: data.requirePkce,
          tokenEndpointAuthMethod: data.tokenEndpointAuthMethod ?? 'client_secret_basic',
          directAuth: data.directAuth,
          mfa: data.mfa,
        });
        await tx.audit.append({ ...actor, action: 'app.created', target: `app:${created.clientId}` });
        return created;
      });
      await events.publishChanged(scope.realm.name);
      return { app: toAppView(app), clientSecret };
    },
    /** Changes what `changes` names; the result must pass the same rules as a new app. Null: no such app. */
    async update(id: string, input: UpdateAppInput, actor: Actor) {
      const changes = parseOrThrow(updateAppSchema, input);
      const app = await scope.inTransaction(async (tx) => {
        const current = await tx.apps.findById(id).catch(() => null);
        if (!current) return null;
        const { name, type, redirectUris, postLogoutRedirectUris, grantTypes, firstParty, requirePkce, directAuth } = current;
        const stored = { name, type, redirectUris, postLogoutRedirectUris, grantTypes, firstParty, requirePkce, directAuth, mfa: appMfaOf(current), apiAccess: apiAccessOf(current) };
        // A public app's stored method is the column default, never one it chose: not re-checked.
        const method = isConfidential(current) ? { tokenEndpointAuthMethod: current.tokenEndpointAuthMethod as 'client_secret_basic' } : {};
        const merged = parseOrThrow(createAppSchema, { ...stored, ...method, ...changes });
        // Checked on the result: turning firstParty off keeps directAuth only if it is turned off too.
        checkDirectAuth(merged);
        if (changes.apiAccess) await checkApiAccess(tx, merged.apiAccess);
        const updated = await tx.apps.update(id, changes);
        await tx.audit.append({ ...actor, action: 'app.updated', target: `app:${updated.clientId}`, data: { changed: Object.keys(changes) } });
        return updated;
      });
      if (app) await events.publishChanged(scope.realm.name);
      return app && toAppView(app);
    },

    /**
     * A new secret for a confidential app, returned once. The replaced one keeps working for
     * `graceSeconds` (0: stops now) so deployments can switch over without downtime; a second
     * rotation within the grace ends the first secret's grace (only one previous secret is kept).
     * Null: no such app; 409 for a public app, which has no secret.
     */
    async rotateSecret(id: string, input: unknown, actor: Actor, now = new Date()) {
      const { graceSeconds } = parseOrThrow(rotateSecretSchema, input ?? {});
      const clientSecret = `ghs_${randomToken(32)}`;
      const rotated = await scope.inTransaction(async (tx) => {
        const current = await tx.apps.findById(id).catch(() => null);
        if (!current) return null;
        if (!isConfidential(current) || !current.clientSecretHash) throw problems.conflict('app_has_no_secret', 'Public apps (spa, native) have no client secret to rotate.');
        const previousSecretExpiresAt = graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null;
        const app = await tx.apps.setSecret(id, { clientSecretHash: sha256(clientSecret), previousSecretHash: previousSecretExpiresAt ? current.clientSecretHash : null, previousSecretExpiresAt });
        await tx.audit.append({ ...actor, action: 'app.secret_rotated', target: `app:${app.clientId}`, data: { graceSeconds, previousSecretExpiresAt: previousSecretExpiresAt?.toISOString() ?? null } });
        return { app, previousSecretExpiresAt };
      });
      if (!rotated) return null;
      await events.publishChanged(scope.realm.name);
      return { app: toAppView(rotated.app), clientSecret, previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null };
    },

    /** Deletes the app and its consents, then its grants and tokens in the store; false: no such app. */
    async remove(id: string, actor: Actor) {
      const removed = await scope.inTransaction(async (tx) => {
        const app = await tx.apps.findById(id).catch(() => null);
        if (!app) return null;
        await tx.apps.delete(id);
        await tx.audit.append({ ...actor, action: 'app.deleted', target: `app:${app.clientId}` });
        return app;
      });
      if (!removed) return false;
      await events.publishChanged(scope.realm.name);
      await artifacts?.revokeClient(scope.realm.id, removed.clientId);
      return true;
    },
  };
}

export type AppsService = ReturnType<typeof createAppsService>;
