// Rate limits on a realm's token endpoint, per source IP and per client (the "account" of a
// token request), answered 429 with Retry-After and an RFC 6749 §5.2-shaped error body.
// The client is read from HTTP Basic credentials (RFC 6749 §2.3.1) without parsing the body:
// oidc-provider must receive the body untouched. client_secret_post clients count per IP only.
// The client's counter only counts requests that got a token: the client id in the header is
// unauthenticated, and counting every claim would let anyone exhaust another client's quota.
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config/config.js';
import { consume, waitFor } from '../http/rate-limit.js';
import type { Stores } from '../stores/stores.js';

export function basicClientId(req: Request): string | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(req.get('authorization') ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

export function tokenRateLimit(stores: Stores, limits: Config['rateLimits']) {
  const perIp = stores.rateLimiter({ keyPrefix: 'token-ip', points: limits.tokenPerIp, durationSeconds: 60 });
  const perClient = stores.rateLimiter({ keyPrefix: 'token-client', points: limits.tokenPerClient, durationSeconds: 60 });
  return async (req: Request, res: Response, next: NextFunction) => {
    const realm = String(req.params.realm);
    const clientId = basicClientId(req);
    const clientKey = `${realm}:${clientId}`;
    // Both counters at once: one wait for the store (with Redis, one round trip) instead of two in a row.
    const [ipResult, used] = await Promise.all([consume(perIp, `${realm}:${req.ip}`), clientId ? perClient.get(clientKey) : null]);
    let result = ipResult;
    if (result.ok && used && used.consumedPoints >= limits.tokenPerClient) {
      result = waitFor(used.msBeforeNext);
    }
    if (result.ok) {
      if (clientId) {
        res.on('finish', () => {
          if (res.statusCode < 400) perClient.penalty(clientKey, 1).catch((err: unknown) => req.log.warn({ err }, 'token rate limit counter not updated'));
        });
      }
      return next();
    }
    res.setHeader('Retry-After', String(result.retryAfterSeconds));
    res.status(429).json({ error: 'slow_down', error_description: 'too many token requests; retry after the time in Retry-After' });
  };
}
