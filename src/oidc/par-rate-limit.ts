// Limits on the pushed authorization request endpoint (RFC 9126): per source IP on every
// request, per client on pushes that were accepted, and a body cap. Each accepted push is stored
// (a pending artifact, see pending-admission.ts), and a public client's push needs no secret,
// so without these one address could fill the store. Answers are RFC 6749 §5.2 JSON: 413 for a
// body over the cap (RFC 9110 §15.5.14), 429 with Retry-After (RFC 6585 §4) over a limit.
// The body is read here, within the cap, whatever Content-Length claims (a chunked body has
// none), and handed to oidc-provider as req.body, which it parses as it would the stream.
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config/config.js';
import { consume, waitFor } from '../http/rate-limit.js';

const retryAfter = (ms: number) => (waitFor(ms) as { retryAfterSeconds: number }).retryAfterSeconds;
import type { Stores } from '../stores/stores.js';
import { basicClientId } from './token-rate-limit.js';

/** The body, or undefined as soon as it passes the cap (the rest is never buffered). */
async function readCapped(req: Request, cap: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let received = 0;
  // destroyOnReturn false: leaving the loop must not destroy the request (and its socket) before the 413 is sent.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    received += (chunk as Buffer).length;
    if (received > cap) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, received);
}

/** The client a push claims to be: HTTP Basic (RFC 6749 §2.3.1) or client_id in the form (public clients, client_secret_post, JWT assertions). */
function claimedClient(req: Request, body: Buffer): string | undefined {
  const basic = basicClientId(req);
  if (basic || !req.is('application/x-www-form-urlencoded')) return basic;
  return new URLSearchParams(body.toString('utf8')).get('client_id') ?? undefined;
}

export function parRateLimit(stores: Stores, par: Config['par']) {
  const perIp = stores.rateLimiter({ keyPrefix: 'par-ip', points: par.perIp, durationSeconds: 60 });
  const perClient = stores.rateLimiter({ keyPrefix: 'par-client', points: par.perClient, durationSeconds: 60 });
  const tooLarge = (res: Response) =>
    // The unread rest must not be taken as (or read as) the next request on this connection.
    res.status(413).setHeader('Connection', 'close').json({ error: 'invalid_request', error_description: `the request body is larger than ${par.bodyLimitBytes} bytes` });
  const tooMany = (res: Response, retryAfterSeconds: number) => {
    res.setHeader('Retry-After', String(retryAfterSeconds));
    res.status(429).json({ error: 'slow_down', error_description: 'too many pushed authorization requests; retry after the time in Retry-After' });
  };

  return async (req: Request, res: Response, next: NextFunction) => {
    const realm = String(req.params.realm);
    const byIp = await consume(perIp, `${realm}:${req.ip}`);
    if (!byIp.ok) return tooMany(res, byIp.retryAfterSeconds);
    if (Number(req.get('content-length') ?? 0) > par.bodyLimitBytes) return tooLarge(res);
    const body = await readCapped(req, par.bodyLimitBytes);
    if (!body) return tooLarge(res);
    req.body = body;
    const clientId = claimedClient(req, body);
    if (clientId) {
      const clientKey = `${realm}:${clientId}`;
      // As at the token endpoint, only accepted pushes (201, RFC 9126 §2.2) count against the
      // client: the client_id of a request is a claim, and counting claims would let anyone use
      // up another client's quota.
      const used = await perClient.get(clientKey);
      if (used && used.consumedPoints >= par.perClient) return tooMany(res, retryAfter(used.msBeforeNext));
      res.on('finish', () => {
        if (res.statusCode === 201) perClient.penalty(clientKey, 1).catch((err: unknown) => req.log.warn({ err }, 'PAR rate limit counter not updated'));
      });
    }
    next();
  };
}
