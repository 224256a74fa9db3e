// Device tokens for the login throttle (OWASP "Slow Down Online Guessing Attacks with Device
// Cookies"): proof that this browser signed in to this account before. A token is
// `<nonce>.<expires>.<mac>`, the mac an HMAC-SHA256 over realm, account, nonce and expiry under a
// key derived from MASTER_KEY for this purpose only. Nothing is stored: a token is valid when its
// mac matches (constant-time) and it has not expired. The account is the keyed hash of realm +
// email (accountKey), so a cookie carries no email, and a token for one account or realm is
// worth nothing for another.
import { createHmac, randomBytes } from 'node:crypto';
import { deriveKey } from '../../security/encryption.js';
import { constantTimeEqual } from '../../security/tokens.js';

/** How long a device stays known without signing in again; each sign-in issues a fresh token. */
export const DEVICE_TOKEN_TTL_SECONDS = 180 * 24 * 60 * 60;
/** Accounts one browser is remembered for (one cookie, newest first): keeps the cookie small. */
export const MAX_DEVICE_TOKENS = 5;
const SEPARATOR = '~';
const TOKEN = /^[A-Za-z0-9_-]{22}\.\d{1,12}\.[A-Za-z0-9_-]{43}$/;

const nowSeconds = () => Math.floor(Date.now() / 1000);

export function createDeviceTokens(masterKey: Buffer) {
  const accountSecret = deriveKey(masterKey, 'login-throttle:account');
  const deviceSecret = deriveKey(masterKey, 'login-throttle:device');
  const mac = (realmId: string, account: string, nonce: string, expires: string) =>
    createHmac('sha256', deviceSecret).update(`${realmId}\n${account}\n${nonce}\n${expires}`).digest('base64url');

  /** The well-formed, unexpired tokens of a cookie value, newest first (bounded: the value is client-written). */
  const tokensOf = (cookie: string | undefined, now: number) =>
    (cookie ?? '').split(SEPARATOR, MAX_DEVICE_TOKENS).filter((t) => TOKEN.test(t) && Number(t.split('.')[1]) > now);
  const matches = (realmId: string, account: string, token: string) => {
    const [nonce = '', expires = '', tag = ''] = token.split('.');
    return constantTimeEqual(tag, mac(realmId, account, nonce, expires));
  };

  return {
    /** The keyed hash that stands for realm + email in rate-limit keys and device tokens. */
    accountKey(realmId: string, email: string): string {
      return createHmac('sha256', accountSecret).update(`${realmId}\n${email.trim().toLowerCase()}`).digest('base64url');
    },

    /** The nonce of the cookie's valid token for this account, if it holds one. */
    deviceFor(realmId: string, account: string, cookie: string | undefined, now = nowSeconds()): string | undefined {
      return tokensOf(cookie, now).find((t) => matches(realmId, account, t))?.split('.')[0];
    },

    /**
     * The cookie value after a sign-in to `account`: a fresh token first, then the other unexpired
     * tokens, without the ones this account had.
     */
    issue(realmId: string, account: string, cookie: string | undefined, now = nowSeconds()): string {
      const nonce = randomBytes(16).toString('base64url');
      const expires = String(now + DEVICE_TOKEN_TTL_SECONDS);
      const others = tokensOf(cookie, now).filter((t) => !matches(realmId, account, t));
      return [`${nonce}.${expires}.${mac(realmId, account, nonce, expires)}`, ...others].slice(0, MAX_DEVICE_TOKENS).join(SEPARATOR);
    },
  };
}

export type DeviceTokens = ReturnType<typeof createDeviceTokens>;
