// App (OAuth client) input rules. Redirect URIs are matched exactly by the provider
// (RFC 9700 §4.1.3), so they are validated strictly here.
import { z } from 'zod';
import { parseAbsoluteUri, text } from '../../http/validate.js';
import { mfaPolicySchema } from '../../realms/realm-settings.js';

export const APP_TYPES = ['web', 'spa', 'native', 'service'] as const;
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
/** How a confidential app authenticates (RFC 6749 §2.3.1); public apps use none. */
export const SECRET_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;

const isLoopback = (u: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);

/** RFC 6749 §3.1.2: absolute, no fragment. https, except loopback http for development and native apps (RFC 8252 §7.3). */
function redirectUriProblem(raw: string, type: (typeof APP_TYPES)[number]): string | undefined {
  const { url, problem } = parseAbsoluteUri(raw);
  if (!url) return problem;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return isLoopback(url) ? undefined : 'http is only allowed for localhost; use https';
  // RFC 8252 §7.1: private-use schemes for native apps, in reverse-domain form.
  if (type === 'native' && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return undefined;
  return type === 'native' ? 'use https, a loopback http URI or a reverse-domain private-use scheme' : 'must use https';
}

/** An API a service app may call with client_credentials tokens, and the scopes it may get. */
const apiAccessEntry = z.object({ resource: text().max(2000), scopes: z.array(z.string().max(200)).min(1).max(100) }).strict();

/** The fields an app can be created with and later changed. */
const fields = {
  name: text().trim().min(1).max(200),
  redirectUris: z.array(text().max(2000)).max(50),
  postLogoutRedirectUris: z.array(text().max(2000)).max(50),
  firstParty: z.boolean(),
  apiAccess: z.array(apiAccessEntry).max(50),
  requirePkce: z.boolean(),
  tokenEndpointAuthMethod: z.enum(SECRET_AUTH_METHODS),
  /** The direct authentication API (src/api/auth.routes.ts) may sign users in for this app. */
  directAuth: z.boolean(),
  /** Second-factor policy for this app; null inherits the realm's settings.mfa. */
  mfa: mfaPolicySchema.nullable(),
};

export const createAppSchema = z
  .object({
    name: fields.name,
    type: z.enum(APP_TYPES),
    redirectUris: fields.redirectUris.default([]),
    postLogoutRedirectUris: fields.postLogoutRedirectUris.default([]),
    grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).max(3).optional(),
    firstParty: fields.firstParty.default(false),
    apiAccess: fields.apiAccess.default([]),
    requirePkce: fields.requirePkce.default(true),
    tokenEndpointAuthMethod: fields.tokenEndpointAuthMethod.optional(),
    directAuth: fields.directAuth.default(false),
    mfa: fields.mfa.default(null),
  })
  .strict()
  .superRefine((app, ctx) => {
    // A public app has no secret: PKCE is what binds its code to it (RFC 9700 §2.1.1, RFC 8252 §8.1).
    const confidential = app.type === 'web' || app.type === 'service';
    if (!confidential && !app.requirePkce) ctx.addIssue({ code: 'custom', path: ['requirePkce'], message: 'public apps (spa, native) always use PKCE' });
    if (!confidential && app.tokenEndpointAuthMethod) ctx.addIssue({ code: 'custom', path: ['tokenEndpointAuthMethod'], message: 'public apps (spa, native) have no secret to authenticate with' });
    const uris = [...app.redirectUris.map((u, i) => ['redirectUris', i, u] as const), ...app.postLogoutRedirectUris.map((u, i) => ['postLogoutRedirectUris', i, u] as const)];
    for (const [field, i, uri] of uris) {
      const problem = redirectUriProblem(uri, app.type);
      if (problem) ctx.addIssue({ code: 'custom', path: [field, i], message: problem });
    }
    const grants = app.grantTypes ?? defaultGrantTypes(app.type);
    if (app.type === 'service' && grants.some((g) => g !== 'client_credentials')) {
      ctx.addIssue({ code: 'custom', path: ['grantTypes'], message: 'service apps only use client_credentials' });
    }
    if (app.type !== 'service' && grants.includes('client_credentials')) {
      ctx.addIssue({ code: 'custom', path: ['grantTypes'], message: 'client_credentials needs a confidential service app' });
    }
    if (grants.includes('authorization_code') && app.redirectUris.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['redirectUris'], message: 'at least one redirect URI is required for the authorization code flow' });
    }
    // Apps that sign users in get API scopes through the user's consent; only a service app
    // acts on its own authority, so only its access is granted here.
    if (app.type !== 'service' && app.apiAccess.length) {
      ctx.addIssue({ code: 'custom', path: ['apiAccess'], message: 'only service apps (client_credentials) are given API access directly' });
    }
    app.apiAccess.forEach((entry, i) => {
      if (app.apiAccess.findIndex((e) => e.resource === entry.resource) !== i) ctx.addIssue({ code: 'custom', path: ['apiAccess', i, 'resource'], message: 'is listed twice' });
    });
  });

/** A change to an existing app: any of its changeable fields. Its type and grant types are fixed. */
export const updateAppSchema = z
  .object({
    name: fields.name.optional(),
    redirectUris: fields.redirectUris.optional(),
    postLogoutRedirectUris: fields.postLogoutRedirectUris.optional(),
    firstParty: fields.firstParty.optional(),
    apiAccess: fields.apiAccess.optional(),
    requirePkce: fields.requirePkce.optional(),
    tokenEndpointAuthMethod: fields.tokenEndpointAuthMethod.optional(),
    directAuth: fields.directAuth.optional(),
    mfa: fields.mfa.optional(),
  })
  .strict();

/**
 * Why this app may not use the direct authentication API, if it may not. The API hands the
 * app a user's password: only the realm owner's own backend (first party) that can keep a
 * secret (a confidential client, RFC 6749 §2.1) is trusted with that, as with the resource
 * owner password grant RFC 9700 §2.4 deprecates for anyone else.
 */
export function directAuthProblem(app: { type: (typeof APP_TYPES)[number]; firstParty: boolean; directAuth: boolean }): string | undefined {
  if (!app.directAuth) return undefined;
  if (app.type !== 'web' && app.type !== 'service') return 'only confidential apps (web, service: they hold a client secret) may use direct authentication';
  if (!app.firstParty) return 'only first-party apps may use direct authentication: they are handed users\' passwords';
  return undefined;
}

export type CreateAppInput = z.input<typeof createAppSchema>;
export type UpdateAppInput = z.input<typeof updateAppSchema>;
export type ApiAccess = z.infer<typeof apiAccessEntry>[];

export function defaultGrantTypes(type: (typeof APP_TYPES)[number]): string[] {
  return type === 'service' ? ['client_credentials'] : ['authorization_code', 'refresh_token'];
}

/** An app as the API answers it (apps.service.ts toAppView); the OpenAPI document's App. */
export const appViewSchema = z
  .object({
    id: z.uuid(),
    clientId: z.string(),
    name: z.string(),
    type: z.enum(APP_TYPES),
    redirectUris: z.array(z.string()),
    postLogoutRedirectUris: z.array(z.string()),
    grantTypes: z.array(z.enum(GRANT_TYPES)),
    firstParty: z.boolean(),
    apiAccess: z.array(apiAccessEntry),
    requirePkce: z.boolean(),
    tokenEndpointAuthMethod: z.enum([...SECRET_AUTH_METHODS, 'none']),
    directAuth: z.boolean(),
    mfa: mfaPolicySchema.nullable(),
    createdAt: z.iso.datetime(),
  })
  .strict()
  .meta({ id: 'App' });

/** A new app: a confidential one (web, service) carries its secret, shown this once and stored only hashed. */
export const createdAppSchema = appViewSchema.extend({ clientSecret: z.string().optional() }).strict().meta({ id: 'NewApp' });

/** POST /apps/{id}/secret: the app, its new secret (shown this once) and when the replaced one stops working (null: already stopped). */
export const rotatedSecretSchema = appViewSchema
  .extend({ clientSecret: z.string(), previousSecretExpiresAt: z.iso.datetime().nullable() })
  .strict()
  .meta({ id: 'RotatedAppSecret' });
