// Rate limits answer 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3). Counters live in Redis
// when configured (shared by every instance), else in memory.
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

export type LimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** A refusal for `ms` more milliseconds: Retry-After is whole seconds, at least one. */
export const waitFor = (ms: number): LimitResult => ({ ok: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });

export async function consume(limiter: RateLimiterAbstract, key: string, points = 1): Promise<LimitResult> {
  try {
    await limiter.consume(key, points);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof Error) throw rejection; // the store failed: not a limit
    return waitFor((rejection as RateLimiterRes).msBeforeNext);
  }
}
