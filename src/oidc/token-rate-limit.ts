// Rate limits on a realm's token endpoint, per source IP and per client (the "account" of a
// token request), answered 429 with Retry-After and an RFC 6749 §5.2-shaped error body.
// The client is read from HTTP Basic credentials (RFC 6749 §2.3.1) without parsing the body:
// oidc-provider must receive the body untouched. client_secret_post clients count per IP only.
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config/config.js';
import { consume } from '../http/rate-limit.js';
import type { Stores } from '../stores/stores.js';

function basicClientId(req: Request): string | undefined {
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
    let result = await consume(perIp, `${realm}:${req.ip}`);
    if (result.ok && clientId) result = await consume(perClient, `${realm}:${clientId}`);
    if (result.ok) return next();
    res.setHeader('Retry-After', String(result.retryAfterSeconds));
    res.status(429).json({ error: 'slow_down', error_description: 'too many token requests; retry after the time in Retry-After' });
  };
}
