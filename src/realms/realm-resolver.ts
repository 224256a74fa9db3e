// Resolves `/realms/:realm` once per request to the realm's provider and scope, stored in
// res.locals; everything below reads it through realmOf(res) and never re-derives the realm.
import type { NextFunction, Request, Response } from 'express';
import type { RealmProvider } from '../oidc/provider-factory.js';
import { sendOAuthError } from '../http/oauth-error.js';
import type { Views } from '../http/views.js';
import type { ProviderPool } from './provider-pool.js';
import { REALM_NAME_PATTERN } from './realm-scope.js';

export function resolveRealm(pool: ProviderPool, views: Views) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.realm);
    const found = REALM_NAME_PATTERN.test(name) ? await pool.get(name) : undefined;
    if (!found) {
      sendOAuthError(req, res, views, {
        status: 404, error: 'not_found', description: 'no such realm',
        title: 'Realm not found', message: 'There is no realm at this address.', code: 'realm_not_found',
      });
      return;
    }
    res.locals.realm = found;
    res.locals.realmName = found.scope.realm.name;
    // Hosted pages name the realm as its users know it, not by its URL slug.
    res.locals.realmDisplayName = found.scope.realm.displayName;
    next();
  };
}

export function realmOf(res: Response): RealmProvider {
  const realm = res.locals.realm as RealmProvider | undefined;
  if (!realm) throw new Error('realmOf() used outside a /realms/:realm route');
  return realm;
}
