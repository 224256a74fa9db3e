// The HTTP server for the Express app, with request and response objects born with the app's
// prototypes (app.request, app.response) instead of node's plain ones.
//
// Why: Express gives every request its API by swapping prototypes (Object.setPrototypeOf(req,
// app.request) in app.handle). V8 then gives each swapped object a hidden class of its own as
// soon as one of its fields is written (res.statusCode, ...), so every property access on req
// and res afterwards, in Express, node:http and the Koa inside oidc-provider, misses its inline
// cache. Measured with bench/decompose.ts: that swap cost about a third of the token endpoint's
// throughput. When node constructs the objects with the app's prototypes, Express's swap finds
// the prototype already in place and changes nothing (expressjs/express#5998).
//
// `front`, when given, sees each request first (on the same objects) and leaves to the app those
// it does not take (src/oidc/machine-endpoints.ts).
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express, Request as AppRequest, Response as AppResponse } from 'express';

export function createAppServer(app: Express, front?: (req: AppRequest, res: AppResponse) => boolean): Server {
  // Subclasses: their instances share hidden classes (plain functions calling IncomingMessage or
  // Reflect.construct did not, when tried).
  class Request extends IncomingMessage {}
  class Response extends ServerResponse {}
  adoptAsPrototype(app, 'request', Request.prototype);
  adoptAsPrototype(app, 'response', Response.prototype);
  const listener = front ? (req: AppRequest, res: AppResponse) => void (front(req, res) || app(req, res)) : app;
  return createServer({ IncomingMessage: Request, ServerResponse: Response }, listener as (req: IncomingMessage, res: ServerResponse) => void);
}

/**
 * Makes `prototype` what app[key] is (Express's methods and getters over node's, plus what the
 * app defined on it, such as `app`) and installs it as app[key]. Call before the first request.
 */
function adoptAsPrototype(app: Express, key: 'request' | 'response', prototype: object) {
  const current: object = app[key];
  Object.setPrototypeOf(prototype, Object.getPrototypeOf(current));
  Object.defineProperties(prototype, Object.getOwnPropertyDescriptors(current));
  (app as unknown as Record<typeof key, object>)[key] = prototype;
}
