// Helmet's response headers (HSTS, X-Content-Type-Options, X-Frame-Options, Referrer-Policy, ...),
// worked out once at startup and set by one middleware. helmet() runs a middleware per header on
// every request (eleven function calls and next() hops, each validating its header anew); the
// values never change, so they are computed by running helmet once against a recording response
// and then set from that list: the same headers, helmet still the source of their values.
// CSP is set per page (views); CORP is left to oidc-provider's endpoints; X-Powered-By is never
// set (app.disable('x-powered-by')).
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

type HelmetOptions = Parameters<typeof helmet>[0];

/** The headers helmet(options) sets on a response, in the order it sets them. */
export function helmetHeaders(options: HelmetOptions): ReadonlyArray<readonly [string, string]> {
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: string | number | string[]) => void headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let done = false;
  helmet(options)({} as Request, recorder as unknown as Response, () => (done = true));
  // helmet calls next() synchronously once every header is set; anything else is a helmet this code does not know.
  if (!done) throw new Error('helmet did not finish synchronously');
  return Object.freeze(headers.map(([n, v]) => Object.freeze([n, v] as const)));
}

/**
 * Of `headers`, those that mean something on a JSON answer to a program (OWASP REST Security
 * Cheat Sheet, "Security Headers": HSTS, nosniff, frame options; Cache-Control is the
 * endpoint's own, RFC 6749 §5.1) and those that govern a document a browser renders (opener
 * and referrer policies, DNS prefetch, download and cross-domain policies, the XSS auditor),
 * which only an HTML answer needs.
 */
export function splitForApis(headers: ReadonlyArray<readonly [string, string]>) {
  const forApis = (name: string) => API_HEADERS.has(name.toLowerCase());
  return { api: headers.filter(([n]) => forApis(n)), document: headers.filter(([n]) => !forApis(n)) };
}
const API_HEADERS = new Set(['strict-transport-security', 'x-content-type-options', 'x-frame-options']);

export function securityHeaders(options: HelmetOptions) {
  const headers = helmetHeaders(options);
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
