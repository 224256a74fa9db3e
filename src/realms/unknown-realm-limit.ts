// Requests naming no realm, per source IP. The provider pool remembers a missing name for a few
// seconds, but a client cycling through random names would still cost a database read each; once
// an address has had RATE_LIMIT_UNKNOWN_REALM_PER_IP "no such realm" answers in a minute, realms
// not already cached are refused to it (429 + Retry-After, RFC 6585 §4) until the minute is over.
// Cached realms still answer: the check runs only where a database read would.
import type { RateLimiterRes } from 'rate-limiter-flexible';
import { consume, waitFor, type LimitResult } from '../http/rate-limit.js';
import { isUnavailable, ServiceUnavailableError } from '../http/unavailable.js';
import type { Stores } from '../stores/stores.js';

export interface UnknownRealmLimit {
  /** Whether this address may have a realm looked up. */
  admit(ip: string): Promise<LimitResult>;
  /** This address named no realm. */
  missed(ip: string): Promise<void>;
}

export function createUnknownRealmLimit(stores: Pick<Stores, 'rateLimiter'>, perMinute: number): UnknownRealmLimit {
  const limiter = stores.rateLimiter({ keyPrefix: 'unknown-realm-ip', points: perMinute, durationSeconds: 60 });
  return {
    async admit(ip) {
      let seen: RateLimiterRes | null;
      try {
        seen = await limiter.get(ip);
      } catch (err) {
        if (isUnavailable(err)) throw err;
        throw new ServiceUnavailableError('redis', 1, { cause: err });
      }
      return seen && seen.consumedPoints >= perMinute ? waitFor(seen.msBeforeNext) : { ok: true };
    },
    async missed(ip) {
      await consume(limiter, ip);
    },
  };
}
