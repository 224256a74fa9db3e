// A realm's protocol endpoints: their paths under the issuer (oidc-provider's `routes`) and the
// methods each accepts. oidc-provider answers any other method or path with Koa's plain-text
// 404; the guard below answers first, in the shape the caller reads: 405 with Allow
// (RFC 9110 §15.5.6) or 404, as RFC 6749 §5.2 JSON or, for a browser, the error page.
import type { NextFunction, Request, Response } from 'express';
import { sendOAuthError } from '../http/oauth-error.js';
import type { Views } from '../http/views.js';
import { realmOf } from '../realms/realm-resolver.js';

/** /authorize and /userinfo are the names most clients and docs expect; discovery publishes them all. */
export const ROUTES = {
  authorization: '/authorize',
  token: '/token',
  userinfo: '/userinfo',
  jwks: '/jwks',
  introspection: '/token/introspection',
  revocation: '/token/revocation',
  end_session: '/session/end',
  pushed_authorization_request: '/request',
} as const;

// OpenID Connect Core §3.1.2.1 asks for POST at the authorization endpoint too; oidc-provider 9
// offers it (enableHttpPostMethods) only with SameSite=None session cookies, which would let
// cross-site requests carry the session. Gatehouse keeps SameSite=Lax and GET (use PAR for
// large requests). The same holds for POST at end_session.
const METHODS = new Map<string, readonly string[]>([
  ['/.well-known/openid-configuration', ['GET']],
  ['/.well-known/oauth-authorization-server', ['GET']],
  [ROUTES.authorization, ['GET']],
  [ROUTES.token, ['POST']],
  [ROUTES.userinfo, ['GET', 'POST']],
  [ROUTES.jwks, ['GET']],
  [ROUTES.introspection, ['POST']],
  [ROUTES.revocation, ['POST']],
  [ROUTES.end_session, ['GET']],
  [`${ROUTES.end_session}/confirm`, ['POST']],
  [`${ROUTES.end_session}/success`, ['GET']],
  [ROUTES.pushed_authorization_request, ['POST']],
]);
/** Where the browser returns to an authorization after a hosted page: /authorize/{uid}. */
const RESUME = new RegExp(`^${ROUTES.authorization}/[^/]+$`);

function allowedMethods(path: string): readonly string[] | undefined {
  return METHODS.get(path) ?? (RESUME.test(path) ? ['GET'] : undefined);
}

export function endpointGuard(views: Views) {
  return (req: Request, res: Response, next: NextFunction) => {
    const allowed = allowedMethods(req.path);
    // OPTIONS: CORS preflights, answered by the provider. HEAD goes wherever GET does.
    if (allowed && (req.method === 'OPTIONS' || allowed.includes(req.method) || (req.method === 'HEAD' && allowed.includes('GET')))) return next();
    if (!allowed) {
      sendOAuthError(req, res, views, { status: 404, error: 'not_found', description: 'no such endpoint in this realm', title: 'Not found' });
      return;
    }
    res.setHeader('Allow', allowed.join(', '));
    sendOAuthError(req, res, views, { status: 405, error: 'invalid_request', description: `${req.method} is not allowed here; use ${allowed.join(' or ')}`, title: 'Not allowed' });
  };
}

const METADATA = '/.well-known/oauth-authorization-server';

/**
 * RFC 8414 §3: an issuer with a path (`{BASE_URL}/realms/{realm}`) publishes its authorization
 * server metadata at the origin's well-known URI with the issuer's path appended, so strict
 * OAuth clients find it at `/.well-known/oauth-authorization-server/realms/{realm}`. Served by the
 * realm's provider, as if asked at `{issuer}/.well-known/oauth-authorization-server` (which also
 * stays): the same document, the same cache headers. Mount after resolveRealm.
 */
export const RFC8414_METADATA_PATH = `${METADATA}/realms/:realm`;

export function rfc8414Metadata(req: Request, res: Response) {
  req.url = METADATA;
  // oidc-provider takes the realm's mount path from what precedes req.url in req.originalUrl.
  req.originalUrl = `/realms/${String(req.params.realm)}${METADATA}`;
  realmOf(res).handler(req, res);
}

/** The POST endpoints machines call: the guard lets them through, so they may skip it and the hosted pages. */
const DIRECT_POSTS = new Set<string>([ROUTES.token, ROUTES.introspection, ROUTES.revocation]);
export const DIRECT_POST_PATHS = [...DIRECT_POSTS];

/**
 * Hands a POST to one of DIRECT_POST_PATHS straight to `provide`. Only the exact path: Express
 * matches routes case-insensitively and with a trailing slash, and those variants go on to the
 * guard, which answers them as before.
 */
export function directPost(provide: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction) => (DIRECT_POSTS.has(req.path) ? provide(req, res) : next());
}
