// Brute-force protection for password sign-in, three layers:
// - per IP, across accounts: a plain rate limit on attempts;
// - per account *and* source: after LOCKOUT_FAILURES wrong passwords in 15 minutes that source is
//   locked out of that account for LOCKOUT_SECONDS;
// - per account, across sources: once an account collects RATE_LIMIT_LOGIN_PER_ACCOUNT wrong
//   passwords in a minute, sources that guessed wrong for it wait until the minute is over.
// A source with no wrong guess for the account is never held back by the other sources, so an
// attacker can slow their own guessing but never lock the real user out (OWASP ASVS 2.2.1).
// Each failure also waits a little longer before answering (slows automated guessing).
import type { Config } from '../../config/config.js';
import { consume, waitFor, type LimitResult } from '../../http/rate-limit.js';
import type { Stores } from '../../stores/stores.js';

const WINDOW = 15 * 60;

export function createLoginThrottle(stores: Stores, limits: Config['rateLimits']) {
  const perIp = stores.rateLimiter({ keyPrefix: 'login-ip', points: limits.loginPerIp, durationSeconds: 60 });
  const accountFailures = stores.rateLimiter({ keyPrefix: 'login-acct-fail', points: limits.loginPerAccount, durationSeconds: 60 });
  // The failure that reaches the limit blocks the source explicitly for lockoutSeconds (the
  // limiter alone would keep it blocked for the whole window).
  const sourceFailures = stores.rateLimiter({ keyPrefix: 'login-fail', points: limits.lockoutFailures, durationSeconds: WINDOW });

  const accountKey = (realmId: string, email: string) => `${realmId}:${email.toLowerCase()}`;
  const sourceKey = (realmId: string, email: string, ip: string) => `${accountKey(realmId, email)}:${ip}`;

  return {
    /** Call before checking the password. */
    async check(realmId: string, email: string, ip: string): Promise<LimitResult> {
      const source = await sourceFailures.get(sourceKey(realmId, email, ip));
      if (source && source.consumedPoints >= limits.lockoutFailures) return waitFor(source.msBeforeNext);
      const ipResult = await consume(perIp, `${realmId}:${ip}`);
      if (!ipResult.ok || !source?.consumedPoints) return ipResult;
      const account = await accountFailures.get(accountKey(realmId, email));
      return account && account.consumedPoints >= limits.loginPerAccount ? waitFor(account.msBeforeNext) : ipResult;
    },
    /** Records a wrong password; returns how long to wait before answering. */
    async failed(realmId: string, email: string, ip: string): Promise<number> {
      const key = sourceKey(realmId, email, ip);
      const [count] = await Promise.all([
        sourceFailures.penalty(key, 1).then((r) => r.consumedPoints),
        accountFailures.penalty(accountKey(realmId, email), 1),
      ]);
      if (count < limits.lockoutFailures) return Math.min(2000, 100 * 2 ** Math.max(0, count - 1));
      await sourceFailures.block(key, limits.lockoutSeconds);
      return 0;
    },
    async succeeded(realmId: string, email: string, ip: string) {
      await sourceFailures.delete(sourceKey(realmId, email, ip));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
