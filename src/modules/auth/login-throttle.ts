// Brute-force protection for password sign-in, after OWASP's "Slow Down Online Guessing Attacks
// with Device Cookies". Every attempt comes either from a *known device* (a browser presenting a
// valid device token for this account: it signed in to it before, device-tokens.ts) or from an
// *unknown source* (anything else: a new browser, a script, the direct sign-in API).
//
// - A known device is judged only by its own failures: after LOCKOUT_FAILURES wrong passwords
//   within 15 minutes that one device token is locked out for LOCKOUT_SECONDS. Nothing anyone
//   else does (other addresses, other devices, the per-IP limit) holds it back.
// - Unknown sources share one budget per account: RATE_LIMIT_LOGIN_PER_ACCOUNT attempts a
//   minute. An attempt takes a point *before* the password is checked (atomically, so parallel
//   requests cannot overdraw it) and a successful one gives it back, so the budget counts
//   failures (and attempts in flight). Each failure answers after a delay that grows with the
//   budget spent (slows); once it is spent, unknown sources are refused until the minute is over
//   (refuses). On top, an unknown source (account + IP) that guessed wrong LOCKOUT_FAILURES times
//   in 15 minutes is locked out of that account for LOCKOUT_SECONDS, and every unknown source
//   has RATE_LIMIT_LOGIN_PER_IP attempts a minute across accounts.
//
// Guarantees: an attacker without the user's device cannot keep that device out, from any number
// of addresses; and all unknown sources together get at most RATE_LIMIT_LOGIN_PER_ACCOUNT
// guesses at an account per minute. The trade-off (OWASP's): during an attack on an account its
// owner on a *new* browser is an unknown source and is refused like the attacker.
// Accounts that do not exist are throttled the same way (no user enumeration). Rate-limit keys
// carry the keyed hash of realm + email (accountKey), never the email.
//
// Callers: check() before verifying the password, then exactly one of failed() or succeeded().
// `device` is the device cookie's value as the browser sent it (absent for non-browser callers).
import type { Config } from '../../config/config.js';
import { consume, waitFor, type LimitResult } from '../../http/rate-limit.js';
import type { Stores } from '../../stores/stores.js';
import { createDeviceCookie } from './device-cookie.js';
import { createDeviceTokens } from './device-tokens.js';

const WINDOW = 15 * 60;

/** Milliseconds to wait before answering the n-th failure: 100 ms, doubling, at most 2 s. */
const growingDelay = (n: number) => Math.min(2000, 100 * 2 ** Math.max(0, n - 1));

export interface LoginThrottleOptions {
  masterKey: Buffer;
  /** Send the device cookie with Secure (BASE_URL is https). */
  secureCookies: boolean;
}

export function createLoginThrottle(stores: Stores, limits: Config['rateLimits'], { masterKey, secureCookies }: LoginThrottleOptions) {
  const tokens = createDeviceTokens(masterKey);
  const perIp = stores.rateLimiter({ keyPrefix: 'login-ip', points: limits.loginPerIp, durationSeconds: 60 });
  const unknownBudget = stores.rateLimiter({ keyPrefix: 'login-acct', points: limits.loginPerAccount, durationSeconds: 60 });
  const lockouts = lockoutCounter(stores, limits);

  /** Who is asking: the device's lockout key when it holds a valid token for this account, else the source's. */
  function identify(realmId: string, email: string, ip: string, device?: string) {
    const account = tokens.accountKey(realmId, email);
    const nonce = tokens.deviceFor(realmId, account, device);
    return nonce ? { account, known: true, lockoutKey: `device:${account}:${nonce}` } : { account, known: false, lockoutKey: `source:${account}:${ip}` };
  }

  return {
    async check(realmId: string, email: string, ip: string, device?: string): Promise<LimitResult> {
      const who = identify(realmId, email, ip, device);
      const locked = await lockouts.locked(who.lockoutKey);
      if (locked || who.known) return locked ?? { ok: true };
      const ipResult = await consume(perIp, `${realmId}:${ip}`);
      return ipResult.ok ? consume(unknownBudget, who.account) : ipResult;
    },

    /** Records a wrong password; returns how long to wait before answering. */
    async failed(realmId: string, email: string, ip: string, device?: string): Promise<number> {
      const who = identify(realmId, email, ip, device);
      const count = await lockouts.fail(who.lockoutKey);
      if (who.known) return growingDelay(count);
      return growingDelay((await unknownBudget.get(who.account))?.consumedPoints ?? 1);
    },

    /** Clears the failures of whoever signed in; returns the device cookie value that makes this browser known. */
    async succeeded(realmId: string, email: string, ip: string, device?: string): Promise<string> {
      const who = identify(realmId, email, ip, device);
      await Promise.all([lockouts.clear(who.lockoutKey), who.known ? undefined : unknownBudget.reward(who.account, 1)]);
      return tokens.issue(realmId, who.account, device);
    },

    deviceCookie: createDeviceCookie(secureCookies),
  };
}

/** LOCKOUT_FAILURES wrong passwords within 15 minutes lock a key out for LOCKOUT_SECONDS. */
function lockoutCounter(stores: Stores, limits: Config['rateLimits']) {
  const failures = stores.rateLimiter({ keyPrefix: 'login-lockout', points: limits.lockoutFailures, durationSeconds: WINDOW });
  return {
    async locked(key: string): Promise<LimitResult | undefined> {
      const state = await failures.get(key);
      return state && state.consumedPoints >= limits.lockoutFailures ? waitFor(state.msBeforeNext) : undefined;
    },
    /** Counts a failure; the one that reaches the limit blocks for LOCKOUT_SECONDS (the limiter alone would block for the window). */
    async fail(key: string): Promise<number> {
      const { consumedPoints } = await failures.penalty(key, 1);
      if (consumedPoints >= limits.lockoutFailures) await failures.block(key, limits.lockoutSeconds);
      return consumedPoints;
    },
    clear: (key: string) => failures.delete(key),
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
