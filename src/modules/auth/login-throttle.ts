// Brute-force protection for password sign-in, three layers:
// - per IP (all accounts) and per account (all sources): plain rate limits;
// - per account *and* source: after LOCKOUT_FAILURES wrong passwords in 15 minutes that source is
//   locked out of that account for LOCKOUT_SECONDS. The lock is per source and temporary, so an
//   attacker elsewhere can never lock the real user out for good (OWASP ASVS 2.2.1).
// Each failure also waits a little longer before answering (slows automated guessing).
import type { Config } from '../../config/config.js';
import { consume, type LimitResult } from '../../http/rate-limit.js';
import type { Stores } from '../../stores/stores.js';

const WINDOW = 15 * 60;

export function createLoginThrottle(stores: Stores, limits: Config['rateLimits']) {
  const perIp = stores.rateLimiter({ keyPrefix: 'login-ip', points: limits.loginPerIp, durationSeconds: 60 });
  const perAccount = stores.rateLimiter({ keyPrefix: 'login-acct', points: limits.loginPerAccount, durationSeconds: 60 });
  const failures = stores.rateLimiter({ keyPrefix: 'login-fail', points: limits.lockoutFailures, durationSeconds: WINDOW, blockSeconds: limits.lockoutSeconds });

  const accountKey = (realmId: string, email: string) => `${realmId}:${email.toLowerCase()}`;
  const sourceKey = (realmId: string, email: string, ip: string) => `${accountKey(realmId, email)}:${ip}`;

  return {
    /** Call before checking the password. */
    async check(realmId: string, email: string, ip: string): Promise<LimitResult> {
      const locked = await failures.get(sourceKey(realmId, email, ip));
      if (locked && locked.consumedPoints >= limits.lockoutFailures) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(locked.msBeforeNext / 1000)) };
      }
      const ipResult = await consume(perIp, `${realmId}:${ip}`);
      if (!ipResult.ok) return ipResult;
      return consume(perAccount, accountKey(realmId, email));
    },
    /** Records a wrong password; returns how long to wait before answering. */
    async failed(realmId: string, email: string, ip: string): Promise<number> {
      const result = await consume(failures, sourceKey(realmId, email, ip));
      const count = (await failures.get(sourceKey(realmId, email, ip)))?.consumedPoints ?? limits.lockoutFailures;
      return result.ok ? Math.min(2000, 100 * 2 ** Math.max(0, count - 1)) : 0;
    },
    async succeeded(realmId: string, email: string, ip: string) {
      await failures.delete(sourceKey(realmId, email, ip));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
