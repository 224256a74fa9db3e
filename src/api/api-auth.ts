// Management API authentication: `Authorization: Bearer <api key>` (RFC 6750 §2.1 syntax).
// Which realms a key may touch is decided here, once: platform keys reach the realms their
// developer owns, realm keys only their own realm.
import type { NextFunction, Request, Response } from 'express';
import { problems } from '../http/problem.js';
import type { Principal } from '../modules/api-keys/api-keys.service.js';
import type { Realm } from '../generated/prisma/client.js';
import { REALM_NAME_PATTERN } from '../realms/realm-scope.js';
import type { Services } from '../services.js';

export function apiAuth(services: Services) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    const principal = match?.[1] ? await services.apiKeys.authenticate(match[1]) : undefined;
    if (!principal) {
      // RFC 6750 §3.1: no credentials get the bare challenge; a key that is unknown, revoked or expired gets invalid_token.
      res.setHeader('WWW-Authenticate', match ? 'Bearer realm="gatehouse-api", error="invalid_token"' : 'Bearer realm="gatehouse-api"');
      throw problems.unauthenticated();
    }
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

export function actorName(p: Principal) {
  return `api-key:${p.prefix}`;
}

/** The realm if this principal may manage it; 404 otherwise (don't reveal other developers' realms). */
export async function authorizedRealm(services: Services, principal: Principal, name: string): Promise<Realm> {
  // A name that cannot be a realm (e.g. with a NUL byte, which PostgreSQL refuses) is not looked up.
  const realm = REALM_NAME_PATTERN.test(name) ? await services.realms.findByName(name) : null;
  const allowed = realm && (principal.kind === 'platform' ? realm.ownerId === principal.ownerId : realm.id === principal.realmId);
  if (!realm || !allowed) throw problems.notFound('realm');
  return realm;
}
