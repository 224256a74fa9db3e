// /api/v1: the management REST API. JSON in and out; errors are application/problem+json.
import express, { Router } from 'express';
import { ProblemError, problems } from '../http/problem.js';
import { apiAuth } from './api-auth.js';
import { createApiContext } from './api-context.js';
import { apiKeysRoutes } from './api-keys.routes.js';
import { appsRoutes } from './apps.routes.js';
import { auditEventsRoutes } from './audit-events.routes.js';
import { authRoutes, type AuthRoutesDeps } from './auth.routes.js';
import { realmsRoutes } from './realms.routes.js';
import { assertEveryRouteScoped, routeScopes, type RouteScopeEntry } from './require-scope.js';
import { resourcesRoutes } from './resources.routes.js';
import { signingKeysRoutes } from './signing-keys.routes.js';
import { usersRoutes } from './users.routes.js';

/**
 * A path that exists answers other methods with 405 and the methods it has in `Allow` (RFC 9110
 * §15.5.6); OPTIONS gets 204 with the same `Allow` (§9.3.7). Unknown paths stay 404.
 */
function allowOnlyDefinedMethods(router: Router): void {
  // router.get(p) and router.post(p) make separate routes: gather each path's methods first.
  const byPath = new Map<string, Set<string>>();
  for (const layer of router.stack) {
    const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
    if (!route) continue;
    const methods = byPath.get(route.path) ?? new Set<string>();
    for (const m of Object.keys(route.methods)) methods.add(m.toUpperCase());
    byPath.set(route.path, methods);
  }
  for (const [path, methods] of byPath) {
    const allow = [...methods, ...(methods.has('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
    // Added after every route, so it only sees the methods none of them took.
    router.all(path, (req, res) => {
      res.setHeader('Allow', allow);
      if (req.method === 'OPTIONS') return void res.status(204).end();
      throw new ProblemError(405, 'method_not_allowed', 'Method not allowed', `${req.method} is not allowed here; use ${allow}.`);
    });
  }
}

const SCOPE_TABLES = new WeakMap<Router, RouteScopeEntry[]>();

/** Every route of an API router made by apiRoutes, with the scope it needs (for the scope table test). */
export const apiScopeTable = (router: Router): RouteScopeEntry[] => SCOPE_TABLES.get(router) ?? [];

export function apiRoutes(deps: AuthRoutesDeps): Router {
  const { config, services } = deps;
  const router = Router();
  // Answers carry client secrets, API keys and personal data: never stored by a cache (RFC 9111 §5.2.2.5).
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Authentication first: an anonymous caller learns nothing about how its body would be read
  // and cannot make the server parse large bodies for free.
  router.use(apiAuth(services));
  router.use(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  router.use((req, _res, next) => {
    // A body in any other format is a client error, not something to guess at.
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && req.headers['content-length'] !== '0' && !req.is(['application/json', 'application/*+json'])) {
      throw problems.unsupportedMediaType();
    }
    next();
  });
  // The direct authentication API (auth.routes.ts): same key and body rules, same 405s.
  const auth = authRoutes(deps);
  const authScopes = routeScopes(auth, '/realms/:realm');
  allowOnlyDefinedMethods(auth);
  router.use('/realms/:realm', auth);

  const ctx = createApiContext(config, services);
  apiKeysRoutes(router, ctx);
  realmsRoutes(router, ctx);
  appsRoutes(router, ctx);
  usersRoutes(router, ctx);
  resourcesRoutes(router, ctx);
  signingKeysRoutes(router, ctx);
  auditEventsRoutes(router, ctx);
  // Least privilege: a route added without needs(scope) stops the server at start-up.
  const table = [...routeScopes(router), ...authScopes];
  assertEveryRouteScoped(table);
  SCOPE_TABLES.set(router, table);

  allowOnlyDefinedMethods(router);
  router.use(() => {
    throw problems.notFound('route');
  });
  return router;
}
