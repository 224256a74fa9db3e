// Resolves `/realms/:realm` once per request to the realm's provider and scope, stored in
// res.locals; everything below reads it through realmOf(res) and never re-derives the realm.
import type { NextFunction, Request, Response } from 'express';
import type { RealmProvider } from '../oidc/provider-factory.js';
import { sendOAuthError } from '../http/oauth-error.js';
import type { Views } from '../http/views.js';
import type { ProviderPool } from './provider-pool.js';
import { REALM_NAME_PATTERN } from './realm-scope.js';
import type { UnknownRealmLimit } from './unknown-realm-limit.js';

/** The realm named in a URL, or undefined (no such realm, or not a realm name at all). A cached one is found without a promise. */
export function findRealm(pool: ProviderPool, name: string): RealmProvider | Promise<RealmProvider | undefined> | undefined {
  if (!REALM_NAME_PATTERN.test(name)) return undefined;
  return pool.peek(name) ?? pool.get(name);
}

/** Answers a URL naming no realm: 404, as RFC 6749 §5.2 JSON or, for a browser, the error page. */
export function realmNotFound(req: Request, res: Response, views: Views) {
  sendOAuthError(req, res, views, {
    status: 404, error: 'not_found', description: 'no such realm',
    title: 'Realm not found', message: 'There is no realm at this address.', code: 'realm_not_found',
  });
}

/**
 * The realm named in the URL for this request, or undefined when the request has been answered:
 * 404 when there is none, 429 when its address has named too many missing realms (unknown-realm-limit.ts).
 */
export async function realmForRequest(req: Request, res: Response, deps: { pool: ProviderPool; views: Views; unknownRealms: UnknownRealmLimit }, name: string): Promise<RealmProvider | undefined> {
  const cached = REALM_NAME_PATTERN.test(name) ? deps.pool.peek(name) : undefined;
  if (cached) return cached;
  const ip = req.ip ?? '';
  const admitted = await deps.unknownRealms.admit(ip);
  if (!admitted.ok) {
    res.setHeader('Retry-After', String(admitted.retryAfterSeconds));
    sendOAuthError(req, res, deps.views, {
      status: 429, error: 'slow_down', description: 'too many requests for realms that do not exist; retry later',
      title: 'Too many requests', message: 'Too many requests named realms that do not exist. Try again in a minute.', code: 'rate_limited',
    });
    return undefined;
  }
  const found = await findRealm(deps.pool, name);
  if (found) return found;
  await deps.unknownRealms.missed(ip);
  realmNotFound(req, res, deps.views);
  return undefined;
}

/** Records the request's realm for realmOf(res) and the hosted pages. */
export function adoptRealm(res: Response, found: RealmProvider) {
  res.locals.realm = found;
  res.locals.realmName = found.scope.realm.name;
  // Hosted pages name the realm as its users know it, not by its URL slug.
  res.locals.realmDisplayName = found.scope.realm.displayName;
}

/** No unknown-realm limit (harnesses that mount a realm router of their own). */
const UNLIMITED: UnknownRealmLimit = { admit: async () => ({ ok: true }), missed: async () => undefined };

export function resolveRealm(pool: ProviderPool, views: Views, unknownRealms: UnknownRealmLimit = UNLIMITED) {
  const deps = { pool, views, unknownRealms };
  return async (req: Request, res: Response, next: NextFunction) => {
    const found = await realmForRequest(req, res, deps, String(req.params.realm));
    if (!found) return;
    adoptRealm(res, found);
    next();
  };
}

export function realmOf(res: Response): RealmProvider {
  const realm = res.locals.realm as RealmProvider | undefined;
  if (!realm) throw new Error('realmOf() used outside a /realms/:realm route');
  return realm;
}
