// Browser-facing pages are served on BASE_URL's host only. Cookies are per host: a sign-in begun
// on http://127.0.0.1:3000 while BASE_URL says http://localhost:3000 sets its interaction cookie
// on one host and comes back (redirect_uri, issuer) on the other, where the cookie is missing
// ("This sign-in attempt expired"). So GET/HEAD for the hosted pages, /demo and the landing page
// on another host are redirected to the same path on BASE_URL (308, RFC 9110 §15.4.9). The target
// is always BASE_URL, never the request's Host, so this is no open redirect. Endpoints machines
// call (token, JWKS, discovery, userinfo, the API) answer on any host: a redirect would break
// clients that don't follow them, and they carry no cookies.
import type { NextFunction, Request, Response } from 'express';

const BROWSER_PAGES = [/^\/$/, /^\/demo(\/|$)/, /^\/realms\/[^/]+\/(authorize|interaction)(\/|$)/];

export function canonicalHost(baseUrl: string) {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !BROWSER_PAGES.some((p) => p.test(req.path))) return next();
    // req.host: the Host header, or X-Forwarded-Host behind a trusted proxy (TRUST_PROXY).
    if (req.host?.toLowerCase() === base.host) return next();
    res.redirect(308, `${base.origin}${prefix}${req.originalUrl}`);
  };
}
