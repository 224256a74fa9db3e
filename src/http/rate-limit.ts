// Rate limits answer 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3). Counters live in Redis
// when configured (shared by every instance), else in memory.
//
// A counter store that cannot answer fails closed: the request gets 503 + Retry-After
// (ServiceUnavailableError), never a pass. A login throttle that cannot count must not let
// unlimited password guesses through while Redis is away.
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { isUnavailable, ServiceUnavailableError } from './unavailable.js';

export type LimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** A refusal for `ms` more milliseconds: Retry-After is whole seconds, at least one. */
export const waitFor = (ms: number): LimitResult => ({ ok: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });

export async function consume(limiter: RateLimiterAbstract, key: string, points = 1): Promise<LimitResult> {
  try {
    await limiter.consume(key, points);
    return { ok: true };
  } catch (rejection) {
    // The store failed, not a limit. The Redis stores already say so (src/stores/store-unavailable.ts);
    // any other store's error means the same.
    if (isUnavailable(rejection)) throw rejection;
    if (rejection instanceof Error) throw new ServiceUnavailableError('redis', 1, { cause: rejection });
    return waitFor((rejection as RateLimiterRes).msBeforeNext);
  }
}
