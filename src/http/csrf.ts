// CSRF protection for hosted forms: csrf-csrf's signed double-submit cookie (OWASP CSRF cheat
// sheet), the token bound to the interaction it was issued for and keyed per realm, with the
// cookie scoped to the realm's path. SameSite=Lax cookies are a second layer, not the only one.
import { doubleCsrf } from 'csrf-csrf';
import type { Request, Response } from 'express';
import { deriveKey } from '../security/encryption.js';

export const CSRF_FIELD = '_csrf';

export function createCsrf(masterKey: Buffer, secure: boolean) {
  const secretFor = (req: Request) => deriveKey(masterKey, `csrf:${String(req.params.realm)}`).toString('base64url');
  const csrf = doubleCsrf({
    getSecret: (req) => (req ? secretFor(req) : ''),
    getSessionIdentifier: (req) => `${String(req.params.realm)}:${String(req.params.uid ?? '')}`,
    cookieName: 'gh_csrf',
    cookieOptions: { sameSite: 'lax', secure, httpOnly: true },
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, string> | undefined)?.[CSRF_FIELD],
    errorConfig: { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' },
  });
  return {
    token: (req: Request, res: Response) =>
      csrf.generateCsrfToken(req, res, { overwrite: false, cookieOptions: { path: `/realms/${String(req.params.realm)}`, sameSite: 'lax', secure, httpOnly: true } }),
    protect: csrf.doubleCsrfProtection,
  };
}

export type Csrf = ReturnType<typeof createCsrf>;
