// Least privilege on the management API: every route names the one scope it needs, as its
// first handler (`router.get(path, needs('apps:read'), ...)`). A key without it gets 403
// insufficient_scope naming the scope, with the RFC 6750 §3 challenge (error="insufficient_scope",
// scope="..."). `needs(ANY_KEY)` marks the few routes any valid key may call (GET /me).
// routeScopes() reads the declarations back from a router, so a route without one is caught at
// start-up (assertEveryRouteScoped) and in the scope table test.
import type { NextFunction, Request, Response, Router } from 'express';
import { ProblemError } from '../http/problem.js';
import type { ApiKeyScope } from '../modules/api-keys/api-key-scopes.js';
import type { Principal } from '../modules/api-keys/api-keys.service.js';

export const ANY_KEY = 'any-key' as const;
export type RouteScope = ApiKeyScope | typeof ANY_KEY;

const SCOPE = Symbol('requiredScope');
type ScopedHandler = ((req: Request, res: Response, next: NextFunction) => void) & { [SCOPE]: RouteScope };

export const insufficientScope = (scope: ApiKeyScope) => new ProblemError(403, 'insufficient_scope', 'Insufficient scope', `This API key lacks the "${scope}" scope.`);

export function needs(scope: RouteScope): ScopedHandler {
  const handler = ((_req: Request, res: Response, next: NextFunction) => {
    const principal = res.locals.principal as Principal | undefined;
    if (scope !== ANY_KEY && !principal?.scopes.includes(scope)) {
      res.setHeader('WWW-Authenticate', `Bearer realm="gatehouse-api", error="insufficient_scope", scope="${scope}"`);
      throw insufficientScope(scope);
    }
    next();
  }) as ScopedHandler;
  handler[SCOPE] = scope;
  return handler;
}

export interface RouteScopeEntry {
  method: string;
  path: string;
  scope: RouteScope | undefined;
}

type Layer = { route?: { path: string; methods: Record<string, boolean>; stack: { handle: unknown }[] } };

/** Every route of `router` (prefixed with `base`) and the scope its first handler declares; router.all() fallbacks (the 405s) are not routes of their own. */
export function routeScopes(router: Router, base = ''): RouteScopeEntry[] {
  return (router.stack as Layer[]).flatMap((layer) => {
    const route = layer.route;
    if (!route || route.methods._all) return [];
    const first = route.stack[0]?.handle as Partial<ScopedHandler> | undefined;
    return Object.keys(route.methods).map((m) => ({ method: m.toUpperCase(), path: base + route.path, scope: first?.[SCOPE] }));
  });
}

/** Throws at start-up when a route was added without a scope: no route is reachable by every key by accident. */
export function assertEveryRouteScoped(entries: RouteScopeEntry[]): void {
  const missing = entries.filter((e) => !e.scope);
  if (missing.length) throw new Error(`management API routes without a scope (add needs(...)): ${missing.map((e) => `${e.method} ${e.path}`).join(', ')}`);
}
