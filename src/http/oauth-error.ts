// Errors on a realm's protocol side (/realms/...), in the shape the caller reads: the friendly
// error page for a browser (Accept: text/html), else RFC 6749 §5.2 JSON {error, error_description}
// for the OAuth client.
import type { Request, Response } from 'express';
import type { Views } from './views.js';

export interface OAuthErrorAnswer {
  status: number;
  /** The RFC 6749 error code a client branches on. */
  error: string;
  description: string;
  /** The page's heading, and its text and code when they differ from description and error. */
  title: string;
  message?: string;
  code?: string;
}

export function sendOAuthError(req: Request, res: Response, views: Views, a: OAuthErrorAnswer) {
  if (req.accepts(['json', 'html']) === 'html') {
    views.send(res, 'error', { title: a.title, message: a.message ?? a.description, code: a.code ?? a.error, requestId: req.id }, a.status);
  } else {
    res.status(a.status).json({ error: a.error, error_description: a.description });
  }
}
