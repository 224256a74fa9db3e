// Request id (X-Request-Id accepted when well-formed, else generated; always echoed) and a child
// logger carrying it. The id is also written back into the request headers so oidc-provider's
// Koa context and audit events see the same one.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../observability/logger.js';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
    }
  }
}

export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    req.headers['x-request-id'] = req.id;
    res.setHeader('X-Request-Id', req.id);
    // A child logger only when something logs (most requests log once, at finish): creating
    // one per request showed up in the token-endpoint profile.
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, get: () => (child ??= logger.child({ requestId: req.id })) });
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // Path only: query strings carry codes, tokens and state.
      const path = req.originalUrl.split('?')[0];
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ requestId: req.id, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10, ip: req.ip }, 'request');
    });
    next();
  };
}
