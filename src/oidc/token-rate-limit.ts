// Rate limits on a realm's token endpoint, per source IP and per client (the "account" of a
// token request), answered 429 with Retry-After and an RFC 6749 §5.2-shaped error body.
// - Per IP: in Express, before the provider reads anything.
// - Per client: inside the provider, where oidc-provider looks the client up during client
//   authentication (Client.find) with the id the request claims, whatever the method: the
//   Authorization header (client_secret_basic), client_id in the body (client_secret_post, none)
//   or the client_assertion's sub (private_key_jwt). The body is read once, by oidc-provider.
//   The claimed id is unauthenticated, so the check only reads the client's counter, and only a
//   request that got a token (an authenticated one) adds to it: anyone can claim a client id,
//   nobody but the client can use up its quota.
import type { NextFunction, Request, Response } from 'express';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config/config.js';
import { consume, waitFor } from '../http/rate-limit.js';
import { isUnavailable, UNAVAILABLE_MESSAGE } from '../http/unavailable.js';
import type { Stores } from '../stores/stores.js';

const SLOW_DOWN = 'too many token requests; retry after the time in Retry-After';

/** An error oidc-provider answers as it is (status, error, error_description), with Retry-After set. */
function refusal(ctx: KoaContextWithOIDC, status: number, error: string, description: string, retryAfterSeconds: number) {
  ctx.set('Retry-After', String(retryAfterSeconds));
  const err = new errors.OIDCProviderError(status, error);
  err.error_description = description;
  err.expose = true;
  return err;
}

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

export function createTokenRateLimits(stores: Stores, limits: Config['rateLimits']) {
  const perIp = stores.rateLimiter({ keyPrefix: 'token-ip', points: limits.tokenPerIp, durationSeconds: 60 });
  const perClient = stores.rateLimiter({ keyPrefix: 'token-client', points: limits.tokenPerClient, durationSeconds: 60 });

  // `req.log` is read only when there is something to log: reading it makes the request's child logger.
  async function checkClient(ctx: KoaContextWithOIDC, realmName: string, claimedId: string) {
    const req = ctx.req as Partial<Request>;
    let used;
    try {
      used = await perClient.get(`${realmName}:${claimedId}`);
    } catch (err) {
      // Thrown inside the provider, a store failure would become a 500: answer 503 ourselves.
      const retry = isUnavailable(err) ? err.retryAfterSeconds : 1;
      req.log?.warn({ err }, 'token rate limit counter unavailable');
      throw refusal(ctx, 503, 'temporarily_unavailable', UNAVAILABLE_MESSAGE, retry);
    }
    if (used && used.consumedPoints >= limits.tokenPerClient) {
      const wait = waitFor(used.msBeforeNext);
      throw refusal(ctx, 429, 'slow_down', SLOW_DOWN, wait.ok ? 1 : wait.retryAfterSeconds);
    }
    ctx.res.on('finish', () => {
      const client = ctx.oidc.client?.clientId;
      if (ctx.res.statusCode < 400 && client) perClient.penalty(`${realmName}:${client}`, 1).catch((err: unknown) => req.log?.warn({ err }, 'token rate limit counter not updated'));
    });
  }

  /**
   * The per-IP limit of POST /realms/:realm/token, after the realm is resolved: true when the
   * request may go on; false when it has been answered 429.
   */
  async function admitIp(req: Request, res: Response): Promise<boolean> {
    const result = await consume(perIp, `${String(res.locals.realmName)}:${req.ip}`);
    if (result.ok) return true;
    res.setHeader('Retry-After', String(result.retryAfterSeconds));
    res.status(429).json({ error: 'slow_down', error_description: SLOW_DOWN });
    return false;
  }

  return {
    admitIp,

    /** The same as Express middleware, for the realm router. */
    async perIp(req: Request, res: Response, next: NextFunction) {
      if (await admitIp(req, res)) next();
    },

    /** The per-client limit, inside this realm's provider. */
    attachPerClient(provider: Provider, realmName: string) {
      const find = provider.Client.find.bind(provider.Client);
      const checked = new WeakSet<object>();
      provider.Client.find = async (id: string) => {
        const ctx = Provider.ctx;
        // Once per token request: the first lookup is client authentication's.
        if (ctx?.oidc.route === 'token' && typeof id === 'string' && id && !checked.has(ctx)) {
          checked.add(ctx);
          await checkClient(ctx, realmName, id);
        }
        return find(id);
      };
    },
  };
}

export type TokenRateLimits = ReturnType<typeof createTokenRateLimits>;
