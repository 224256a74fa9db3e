// Rate limits answer 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3). Counters live in Redis
// when configured (shared by every instance), else in memory.
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

export type LimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export async function consume(limiter: RateLimiterAbstract, key: string, points = 1): Promise<LimitResult> {
  try {
    await limiter.consume(key, points);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof Error) throw rejection; // the store failed: not a limit
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((rejection as RateLimiterRes).msBeforeNext / 1000)) };
  }
}
