// CSRF protection for hosted forms: csrf-csrf's signed double-submit cookie (OWASP CSRF cheat
// sheet), the token bound to the interaction it was issued for and keyed per realm.
// The cookie is scoped to its interaction's path (/realms/<realm>/interaction/<uid>), not to the
// realm: with one cookie per realm, a second sign-in started in another tab replaced the first
// one's cookie and the first tab's form was refused. Per-interaction cookies let concurrent
// sign-ins in one browser each keep their own. SameSite=Lax cookies are a second layer, not the
// only one.
import { doubleCsrf } from 'csrf-csrf';
import { LRUCache } from 'lru-cache';
import type { Request, Response } from 'express';
import { deriveKey } from '../security/encryption.js';

export const CSRF_FIELD = '_csrf';
const COOKIE = 'gh_csrf';

/**
 * As long as the interaction it protects can live (ttl.Interaction in provider-factory.ts, 1 h):
 * the form is useless afterwards, so the cookie should not outlive it in the browser.
 */
export const CSRF_COOKIE_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * The interaction's own path. Only called for a realm name and uid already resolved (the realm
 * by the resolver's pattern, the uid matched against the interaction cookie's), and encoded anyway
 * so neither can add cookie attributes.
 */
const interactionPath = (req: Request) =>
  `/realms/${encodeURIComponent(String(req.params.realm))}/interaction/${encodeURIComponent(String(req.params.uid))}`;

/**
 * `cookie`: another cookie name and path, for forms outside an interaction (the account pages a
 * mailed link opens, /realms/<realm>/...): their cookie is scoped to the realm's path instead.
 */
export function createCsrf(masterKey: Buffer, secure: boolean, cookie: { name: string; path: (req: Request) => string } = { name: COOKIE, path: interactionPath }) {
  // Derived once per realm, not on every form shown and posted (HKDF: ~17 µs idle, ~250 µs in a
  // profile under sign-in load); bounded like the provider pool.
  const secrets = new LRUCache<string, string>({ max: 10_000 });
  const secretFor = (req: Request) => {
    const realm = String(req.params.realm);
    let secret = secrets.get(realm);
    if (secret === undefined) secrets.set(realm, (secret = deriveKey(masterKey, `csrf:${realm}`).toString('base64url')));
    return secret;
  };
  const baseOptions = { sameSite: 'lax', secure, httpOnly: true } as const;
  const csrf = doubleCsrf({
    getSecret: (req) => (req ? secretFor(req) : ''),
    getSessionIdentifier: (req) => `${String(req.params.realm)}:${String(req.params.uid ?? '')}`,
    cookieName: cookie.name,
    cookieOptions: baseOptions,
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, string> | undefined)?.[CSRF_FIELD],
    errorConfig: { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' },
  });
  return {
    token: (req: Request, res: Response) =>
      csrf.generateCsrfToken(req, res, { overwrite: false, cookieOptions: { ...baseOptions, path: cookie.path(req), maxAge: CSRF_COOKIE_MAX_AGE_MS } }),
    /** Drops the interaction's cookie once its sign-in step is finished: its forms are spent. */
    clear: (req: Request, res: Response) => {
      res.clearCookie(cookie.name, { ...baseOptions, path: cookie.path(req) });
    },
    protect: csrf.doubleCsrfProtection,
  };
}

export type Csrf = ReturnType<typeof createCsrf>;
