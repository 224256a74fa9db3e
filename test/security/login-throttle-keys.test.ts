// What the login throttle stores and signs, below HTTP: rate-limit keys carry a keyed hash of
// realm + email, never the email (issue 6 §6); device tokens are bound to realm, account and an
// expiry, and one cookie remembers a bounded number of accounts.
import { randomBytes } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { createDeviceTokens, DEVICE_TOKEN_TTL_SECONDS, MAX_DEVICE_TOKENS } from '../../src/modules/auth/device-tokens.js';
import { createLoginThrottle } from '../../src/modules/auth/login-throttle.js';
import { createMemoryStores, type Stores } from '../../src/stores/stores.js';

const limits = { loginPerIp: 30, loginPerAccount: 10, tokenPerIp: 100, tokenPerClient: 100, authorizePerIp: 100, unknownRealmPerIp: 100, lockoutFailures: 3, lockoutSeconds: 60 };

/** Memory stores whose rate limiters record every key they are given. */
function recordingStores(keys: string[]): Stores {
  const stores = createMemoryStores({ logger: { warn: () => undefined, error: () => undefined, info: () => undefined } });
  const rateLimiter = (options: Parameters<Stores['rateLimiter']>[0]): RateLimiterAbstract =>
    new Proxy(stores.rateLimiter(options), {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (typeof args[0] === 'string') keys.push(`${options.keyPrefix}:${args[0]}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return { ...stores, rateLimiter };
}

describe('login throttle keys', () => {
  it('never carry the email, for unknown sources and known devices alike', async () => {
    const keys: string[] = [];
    const throttle = createLoginThrottle(recordingStores(keys), limits, { masterKey: randomBytes(32), secureCookies: false });
    const email = 'Alice.Liddell@Example.com';
    for (const who of [email, email.toLowerCase()]) {
      await throttle.check('realm-1', who, '192.0.2.1');
      await throttle.failed('realm-1', who, '192.0.2.1');
    }
    await throttle.check('realm-1', email, '192.0.2.1');
    const device = await throttle.succeeded('realm-1', email, '192.0.2.1');
    await throttle.check('realm-1', email, '192.0.2.2', device);
    await throttle.failed('realm-1', email, '192.0.2.2', device);

    expect(keys.some((k) => k.startsWith('login-lockout:device:'))).toBe(true);
    expect(keys.some((k) => k.startsWith('login-lockout:source:'))).toBe(true);
    expect(keys.some((k) => k.startsWith('login-acct:'))).toBe(true);
    for (const key of keys) expect(key.toLowerCase()).not.toMatch(/alice|liddell|example\.com/);
    // One account whatever the case of the email: both spellings shared one unknown-source budget.
    expect(new Set(keys.filter((k) => k.startsWith('login-acct:'))).size).toBe(1);
  });
});

describe('device tokens', () => {
  const tokens = createDeviceTokens(randomBytes(32));
  const now = 1_800_000_000;
  const alice = tokens.accountKey('realm-1', 'alice@example.com');

  it('are valid for their realm and account until they expire', () => {
    const cookie = tokens.issue('realm-1', alice, undefined, now);
    expect(tokens.deviceFor('realm-1', alice, cookie, now + DEVICE_TOKEN_TTL_SECONDS - 1)).toEqual(expect.any(String));
    expect(tokens.deviceFor('realm-1', alice, cookie, now + DEVICE_TOKEN_TTL_SECONDS)).toBeUndefined();
    expect(tokens.deviceFor('realm-2', alice, cookie, now)).toBeUndefined();
    expect(tokens.deviceFor('realm-1', tokens.accountKey('realm-1', 'bob@example.com'), cookie, now)).toBeUndefined();
    expect(tokens.deviceFor('realm-1', alice, createDeviceTokens(randomBytes(32)).issue('realm-1', alice, undefined, now), now)).toBeUndefined();
  });

  it('keep one token per account, the newest accounts first, at most MAX_DEVICE_TOKENS', () => {
    const accounts = Array.from({ length: MAX_DEVICE_TOKENS + 1 }, (_, i) => tokens.accountKey('realm-1', `user${i}@example.com`));
    let cookie: string | undefined;
    for (const account of accounts) cookie = tokens.issue('realm-1', account, cookie, now);
    const again = tokens.issue('realm-1', accounts[3]!, cookie, now);
    expect(again.split('~')).toHaveLength(MAX_DEVICE_TOKENS);
    expect(accounts.map((a) => tokens.deviceFor('realm-1', a, again, now) !== undefined)).toEqual([false, true, true, true, true, true]);
    // Signing in again replaced that account's token: the old one is gone from the cookie.
    const old = tokens.deviceFor('realm-1', accounts[3]!, cookie, now);
    expect(again).not.toContain(`${old}.`);
  });
});
