// Resolves `/realms/:realm` once per request to the realm's provider and scope, stored in
// res.locals; everything below reads it through realmOf(res) and never re-derives the realm.
import type { NextFunction, Request, Response } from 'express';
import type { RealmProvider } from '../oidc/provider-factory.js';
import type { Views } from '../http/views.js';
import type { ProviderPool } from './provider-pool.js';
import { REALM_NAME_PATTERN } from './realm-scope.js';

export function resolveRealm(pool: ProviderPool, views: Views) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.realm);
    const found = REALM_NAME_PATTERN.test(name) ? await pool.get(name) : undefined;
    if (!found) {
      const body = { error: 'not_found', error_description: 'no such realm' };
      if (req.accepts(['json', 'html']) === 'html') {
        views.send(res, 'error', { title: 'Realm not found', message: 'There is no realm at this address.', code: 'realm_not_found', requestId: req.id }, 404);
      } else res.status(404).json(body);
      return;
    }
    res.locals.realm = found;
    res.locals.realmName = found.scope.realm.name;
    next();
  };
}

export function realmOf(res: Response): RealmProvider {
  const realm = res.locals.realm as RealmProvider | undefined;
  if (!realm) throw new Error('realmOf() used outside a /realms/:realm route');
  return realm;
}
