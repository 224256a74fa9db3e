// "Remember this browser": after a second factor, the user may tick a box so that this browser
// is not asked for one again in this realm for the realm's mfaRememberDays. The cookie is
// `v1.<userId>.<issuedAt>.<mac>`, nothing else, and nothing is stored server-side. The MAC is
// HMAC-SHA-256 under a key derived from the master key for this realm alone, over the realm id,
// user id, issue time and the user's binding (remember-browser.repo.ts: password hash, TOTP
// confirmation, recovery-code set): changing the password or removing, resetting or re-enrolling
// a factor changes the binding, so every browser remembered before stops working. The age is
// checked against the realm's current setting, so lowering it (or 0) takes effect at once.
// The cookie is HttpOnly, SameSite=Lax, Secure on https and scoped to /realms/<realm>.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieOptions } from 'express';
import type { RealmScope } from '../../realms/realm-scope.js';
import { deriveKey } from '../../security/encryption.js';

export const REMEMBER_COOKIE = 'gh_mfa_remember';
const DAY = 86_400;
/** Clock skew between instances tolerated for an issue time in the future. */
const SKEW_SECONDS = 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createRememberBrowser(masterKey: Buffer, secure: boolean) {
  const keys = new Map<string, Buffer>();
  const keyOf = (realmId: string) => keys.get(realmId) ?? keys.set(realmId, deriveKey(masterKey, `mfa-remember:${realmId}`)).get(realmId)!;

  async function macOf(scope: RealmScope, userId: string, issuedAt: number): Promise<Buffer | null> {
    const b = await scope.rememberBrowser.bindingOf(userId);
    if (!b) return null;
    const bound = [scope.realm.id, userId, issuedAt, b.passwordHash ?? '', b.totpConfirmedAt?.toISOString() ?? '', b.recoveryCodesAt?.toISOString() ?? '', b.passkeys];
    return createHmac('sha256', keyOf(scope.realm.id)).update(JSON.stringify(bound)).digest();
  }

  return {
    /** The cookie to set for `userId` now, or null when the realm does not offer it. */
    async issue(scope: RealmScope, userId: string, now = Date.now()) {
      const days = scope.settings.mfaRememberDays;
      const issuedAt = Math.floor(now / 1000);
      const mac = days > 0 ? await macOf(scope, userId, issuedAt) : null;
      if (!mac) return null;
      const options: CookieOptions = { httpOnly: true, sameSite: 'lax', secure, path: `/realms/${scope.realm.name}`, maxAge: days * DAY * 1000 };
      return { name: REMEMBER_COOKIE, value: `v1.${userId}.${issuedAt}.${mac.toString('base64url')}`, options };
    },

    /** Whether `cookie` remembers this browser for `userId` in this realm, now. */
    async remembers(scope: RealmScope, userId: string, cookie: string | undefined, now = Date.now()): Promise<boolean> {
      const days = scope.settings.mfaRememberDays;
      const [version, named, issued, mac, ...rest] = (cookie ?? '').split('.');
      if (!days || version !== 'v1' || rest.length || named !== userId || !UUID.test(userId) || !/^\d{1,12}$/.test(issued ?? '') || !mac) return false;
      const age = Math.floor(now / 1000) - Number(issued);
      if (age < -SKEW_SECONDS || age >= days * DAY) return false;
      const expected = await macOf(scope, userId, Number(issued));
      const given = Buffer.from(mac, 'base64url');
      return Boolean(expected) && given.length === expected!.length && timingSafeEqual(given, expected!);
    },
  };
}

export type RememberBrowser = ReturnType<typeof createRememberBrowser>;
