// The endpoints machines call (token, introspection, revocation: POST, most of Gatehouse's
// traffic), taken from the application's first layers straight to the realm's provider. The
// realm router (app.ts) answers them too, but a token request walked Express's mount and
// route matching (params merged into every layer it passed), the hosted pages' routers and the
// endpoint guard, none of which has anything to say to it (bench/profile.ts: ~25 µs a token).
//
// Only the exact form is taken: POST /realms/{realm}/token[/introspection|/revocation], the
// path as written (Express matches routes case-insensitively and with a trailing slash, and
// decodes the realm name: those variants, and every other method, go on to the realm router,
// which answers them as before). What such a request gets is what the realm router gives it:
// the realm resolved once (404 if there is none, 429 past the unknown-realm limit), the token endpoint's per-IP limit, then the
// provider, which parses its own body.
import type { NextFunction, Request, Response } from 'express';
import type { Views } from '../http/views.js';
import type { ProviderPool } from '../realms/provider-pool.js';
import { adoptRealm, realmForRequest } from '../realms/realm-resolver.js';
import type { UnknownRealmLimit } from '../realms/unknown-realm-limit.js';
import { ROUTES } from './endpoints.js';
import type { TokenRateLimits } from './token-rate-limit.js';

const MACHINE_POST = /^\/realms\/([a-z0-9-]+)(\/token(?:\/introspection|\/revocation)?)(\?.*)?$/;

export interface MachineEndpointDeps {
  pool: ProviderPool;
  views: Views;
  tokenLimits: TokenRateLimits;
  unknownRealms: UnknownRealmLimit;
  /** Hands the request to the realm's provider (req.url realm-relative, as after Express's mount). */
  provide(req: Request, res: Response): void;
}

export function machineEndpoints({ pool, views, tokenLimits, unknownRealms, provide }: MachineEndpointDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const match = req.method === 'POST' ? MACHINE_POST.exec(req.url) : null;
    if (!match) return next();
    const [, name, path, query = ''] = match as unknown as [string, string, string, string?];
    const found = await realmForRequest(req, res, { pool, views, unknownRealms }, name);
    if (!found) return;
    adoptRealm(res, found);
    if (path === ROUTES.token && !(await tokenLimits.admitIp(req, res))) return;
    // oidc-provider takes the realm's mount path from what precedes req.url in req.originalUrl.
    req.url = path + query;
    provide(req, res);
  };
}
