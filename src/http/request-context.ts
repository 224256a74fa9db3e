// Request id (X-Request-Id accepted when well-formed, else generated; always echoed) and a child
// logger carrying it. The id is also written back into the request headers so oidc-provider's
// Koa context and audit events see the same one.
import { randomUUID } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import { flatLineLogger, type Logger } from '../observability/logger.js';

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

const CHILD_LOGGER = Symbol('childLogger');
const CLIENT_IP = Symbol('clientIp');
type WithChildLogger = Request & { [CHILD_LOGGER]?: Logger };
type WithClientIp = Request & { [CLIENT_IP]?: string };

/** The getter `name` resolves to on `obj` (own or inherited). */
function getterOf(obj: object, name: string): (this: unknown) => unknown {
  for (let o: object | null = obj; o; o = Object.getPrototypeOf(o) as object | null) {
    const get = Object.getOwnPropertyDescriptor(o, name)?.get;
    if (get) return get;
  }
  throw new Error(`no ${name} getter`);
}

export function requestContext(app: Express, logger: Logger) {
  // req.log: a child logger made only when something logs (most requests log only their request
  // line, below): making one per request showed up in the token-endpoint profile. Defined
  // once on the app's request prototype: a getter defined on each request object gave every
  // request a hidden class of its own, which slowed every later property access on it.
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: WithChildLogger) {
      return (this[CHILD_LOGGER] ??= logger.child({ requestId: this.id }));
    },
  });
  // req.ip, worked out once per request: Express's getter walks X-Forwarded-For through the
  // trust-proxy function on every read, and a token request reads it three times (this line,
  // the per-IP rate limit, the audit event). Read first here, before the socket can go away.
  const expressIp = getterOf(app.request, 'ip');
  Object.defineProperty(app.request, 'ip', {
    configurable: true,
    get(this: WithClientIp) {
      return (this[CLIENT_IP] ??= expressIp.call(this) as string);
    },
  });
  // Strings and numbers only on the request line: see flatLineLogger.
  const requestLine = flatLineLogger(logger);
  function begin(req: Request, res: Response) {
    const incoming = req.get('x-request-id');
    req.id = incoming && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    req.headers['x-request-id'] = req.id;
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    // Read now: once the socket is gone (a client that hung up) the address is no longer known.
    const ip = req.ip;
    res.on('finish', () => {
      // Path only: query strings carry codes, tokens and state.
      const path = req.originalUrl.split('?')[0];
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      requestLine.info({ requestId: req.id, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10, ip }, 'request');
    });
  }
  return {
    /** Gives a request its id and its request line, for handlers in front of Express (machine-endpoints.ts). */
    begin,
    middleware(req: Request, res: Response, next: NextFunction) {
      begin(req, res);
      next();
    },
  };
}
