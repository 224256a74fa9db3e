// A per-IP limit on new authorization requests. Each one stores an Interaction for an hour (in
// Redis, or in memory on one instance), so an unlimited flood from one address would grow that
// store without bound. The limit is generous: a person signs in a few times a minute at most,
// and many people behind one NAT share an address. A browser over it gets the error page with
// Retry-After (RFC 6585 §4); nothing is redirected, since the request was not looked at.
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config/config.js';
import { consume } from '../http/rate-limit.js';
import { sendOAuthError } from '../http/oauth-error.js';
import type { Views } from '../http/views.js';
import type { Stores } from '../stores/stores.js';

export function authorizeRateLimit(stores: Stores, limits: Config['rateLimits'], views: Views) {
  const perIp = stores.rateLimiter({ keyPrefix: 'authorize-ip', points: limits.authorizePerIp, durationSeconds: 60 });
  return async (req: Request, res: Response, next: NextFunction) => {
    const result = await consume(perIp, `${String(req.params.realm)}:${req.ip}`);
    if (result.ok) return next();
    res.setHeader('Retry-After', String(result.retryAfterSeconds));
    sendOAuthError(req, res, views, {
      status: 429, error: 'slow_down', code: 'rate_limited', title: 'Too many requests',
      description: `Too many sign-in requests from your network. Try again in ${result.retryAfterSeconds} seconds.`,
    });
  };
}
