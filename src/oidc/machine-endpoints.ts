// The endpoints machines call (token, introspection, revocation: POST, most of Gatehouse's
// traffic), served before Express sees the request: straight from node's request event to the
// realm's provider. Through Express, a token request walked app.handle (a final handler made
// per request), the application's first layers and its mount (params merged into each layer it
// passed), none of which has anything to say to it (bench/decompose.ts).
//
// Taken here, and only here, is the exact form of a realm already in memory: POST
// /realms/{realm}/token[/introspection|/revocation], the path as written. Everything else, a
// realm that is not in memory (it is looked up, and unknown names are limited per address), the
// variants Express matches (another case, a trailing slash, a percent-encoded realm name) and
// every other method goes to Express, whose realm router answers it as before
// (src/app.ts: realm.post(ROUTES.token, ...) and directPost).
//
// What such a request gets is what the Express chain gives it: its request id and log line
// (request-context.ts), the security headers that mean something on a JSON answer
// (security-headers.ts apiHeaders; the rest are added if the answer turns out to be an error
// page), the realm adopted once, the token endpoint's per-IP limit, then the provider, which
// parses its own body. A failure (a counter store that cannot answer) goes to the application's
// error handler: 503 + Retry-After.
import type { Request, Response } from 'express';
import type { ProviderPool } from '../realms/provider-pool.js';
import { adoptRealm } from '../realms/realm-resolver.js';
import { ROUTES } from './endpoints.js';
import type { TokenRateLimits } from './token-rate-limit.js';

const MACHINE_POST = /^\/realms\/([a-z0-9-]+)(\/token(?:\/introspection|\/revocation)?)(\?.*)?$/;

export interface MachineEndpointDeps {
  pool: ProviderPool;
  tokenLimits: TokenRateLimits;
  /** The request's id and request log line (request-context.ts). */
  beginRequest(req: Request, res: Response): void;
  /** The security headers set on every answer from here. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** Hands the request to the realm's provider (req.url realm-relative, as after Express's mount). */
  provide(req: Request, res: Response): void;
  /** Answers a request whose handling failed, as the application's error handler does. */
  fail(err: unknown, req: Request, res: Response): void;
}

/** A handler for node's request event: true when it has taken the request, false to leave it to Express. */
export type FrontHandler = (req: Request, res: Response) => boolean;

export function machineEndpoints({ pool, tokenLimits, beginRequest, headers, provide, fail }: MachineEndpointDeps): FrontHandler {
  async function serve(req: Request, res: Response, path: string) {
    if (path === ROUTES.token && !(await tokenLimits.admitIp(req, res))) return;
    provide(req, res);
  }
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const match = MACHINE_POST.exec(req.url);
    const found = match && pool.peek(match[1]!);
    if (!found) return false;
    const [url, , path, query = ''] = match as unknown as [string, string, string, string?];
    // What Express's app.handle and router set on every request, in their order.
    req.res = res;
    res.req = req;
    res.locals = Object.create(null) as Response['locals'];
    req.baseUrl = '';
    // oidc-provider takes the realm's mount path from what precedes req.url in req.originalUrl.
    req.originalUrl = url;
    req.url = path + query;
    for (const [name, value] of headers) res.setHeader(name, value);
    beginRequest(req, res);
    adoptRealm(res, found);
    serve(req, res, path).catch((err: unknown) => fail(err, req, res));
    return true;
  };
}
