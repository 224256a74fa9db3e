// The last middleware. Known errors keep their status and code; body-parser failures become
// 400/413/415 problems; anything else is logged with the request id and answered 500 without
// internals. Each caller gets the shape it reads: browsers (Accept: text/html, non-API paths)
// the friendly error page, OAuth clients under /realms/ RFC 6749 §5.2 JSON, and the
// management API application/problem+json.
import type { NextFunction, Request, Response } from 'express';
import { sendOAuthError } from './oauth-error.js';
import { ProblemError, problems, sendProblem } from './problem.js';
import type { Views } from './views.js';
import { UNAVAILABLE_MESSAGE } from './unavailable.js';
import { databaseUnavailable, reportDatabaseUnavailable } from '../db/unavailable.js';

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  code?: string;
}

function classify(err: unknown): ProblemError | undefined {
  if (err instanceof ProblemError) return err;
  const e = err as HttpishError;
  if (e?.type === 'entity.parse.failed') return problems.malformedJson();
  if (e?.type === 'entity.too.large' || e?.type === 'parameters.too.many') return problems.tooLarge();
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return problems.unsupportedMediaType();
  if (e?.code === 'EBADCSRFTOKEN') return new ProblemError(403, 'csrf_invalid', 'Form expired', 'The form expired or was not sent from this site. Go back, reload and try again.');
  const status = e?.status ?? e?.statusCode;
  if (status && status >= 400 && status < 500) return new ProblemError(status, 'bad_request', 'Bad request', 'The request could not be processed.');
  return undefined;
}

export function errorHandler(views: Views) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // A ServiceUnavailableError, or a database timeout / lost connection (src/db/unavailable.ts).
    const unavailable = databaseUnavailable(err);
    if (unavailable) {
      // Logged once per outage by the store or pool that noticed it, not once per request.
      if (unavailable !== err) reportDatabaseUnavailable(req.log ?? console, err);
      if (res.headersSent) return;
      res.setHeader('Retry-After', String(unavailable.retryAfterSeconds));
      if (req.originalUrl.startsWith('/realms/')) {
        sendOAuthError(req, res, views, { status: 503, error: 'temporarily_unavailable', description: UNAVAILABLE_MESSAGE, title: 'Temporarily unavailable', code: unavailable.code });
      } else if (!req.originalUrl.startsWith('/api/') && req.accepts(['json', 'html']) === 'html') {
        views.send(res, 'error', { title: 'Temporarily unavailable', message: UNAVAILABLE_MESSAGE, code: unavailable.code, requestId: req.id }, 503);
      } else {
        sendProblem(res, problems.unavailable(), req.id);
      }
      return;
    }
    let problem = classify(err);
    if (!problem) {
      (req.log ?? console).error({ err }, 'unhandled error');
      problem = problems.internal();
    }
    if (res.headersSent) return;
    // A rate-limit problem that knows when to come back (e.g. MailLimitedError): RFC 6585 §4.
    const retryAfter = (problem as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    if (req.originalUrl.startsWith('/realms/')) {
      const error = problem.status >= 500 ? 'server_error' : 'invalid_request';
      sendOAuthError(req, res, views, { status: problem.status, error, description: problem.detail ?? problem.title, title: problem.title, code: problem.code });
      return;
    }
    const wantsPage = !req.originalUrl.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';
    if (wantsPage) {
      views.send(res, 'error', { title: problem.title, message: problem.detail, code: problem.code, requestId: req.id }, problem.status);
      return;
    }
    sendProblem(res, problem, req.id);
  };
}
