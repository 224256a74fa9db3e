// What the passkey endpoints share: they are called by our page scripts (public/js/passkeys-*.js)
// with JSON, and answer JSON: the options, `{ redirect }` when a sign-in step is done, or an
// application/problem+json with a stable code and a message the page shows as it is.
import express, { type NextFunction, type Request, type Response } from 'express';
import { ProblemError, sendProblem } from '../../http/problem.js';
import type { PasskeyFailure } from './passkeys.service.js';

const parse = express.json({ limit: '64kb' });

/** Parses a JSON body; a malformed or oversized one is a 400 problem with code response_malformed. */
export function json(req: Request, res: Response, next: NextFunction) {
  parse(req, res, (err?: unknown) => {
    if (!err) return next();
    const tooLarge = (err as { type?: string }).type === 'entity.too.large';
    sendProblem(res, new ProblemError(tooLarge ? 413 : 400, 'response_malformed', 'Malformed request', 'The passkey response is not valid.'), req.id);
  });
}

export function refuse(req: Request, res: Response, failure: Pick<PasskeyFailure, 'status' | 'code' | 'message'>) {
  res.setHeader('Cache-Control', 'no-store');
  sendProblem(res, new ProblemError(failure.status, failure.code, 'Passkey refused', failure.message), req.id);
}

export function answer(res: Response, body: unknown) {
  res.setHeader('Cache-Control', 'no-store');
  res.json(body);
}

/** The page scripts of the passkey flows (public/js/). */
export const PASSKEY_SCRIPTS = {
  login: '/static/js/passkeys-login.js',
  mfa: '/static/js/passkeys-mfa.js',
  register: '/static/js/passkeys-register.js',
} as const;

/** The JSON body's `credential` (what @simplewebauthn/browser returned). */
export const credentialOf = (req: Request) => (req.body as { credential?: unknown } | undefined)?.credential;

/** The challenge holder of an interaction (a sign-in under way). */
export const interactionHolder = (uid: string) => `interaction:${uid}`;
