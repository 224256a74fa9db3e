// Recovery codes: 10 per set, each 50 random bits shown as xxxxx-xxxxx, shown once, stored as a
// keyed HMAC-SHA-256 (NIST SP 800-63B §5.1.2.1: look-up secrets with fewer than 112 bits are
// stored with a keyed hash), single use (a conditional UPDATE marks one used).
import { createHmac, randomInt } from 'node:crypto';
import { deriveKey } from '../../security/encryption.js';
import type { RealmScope } from '../../realms/realm-scope.js';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base 32 (no i, l, o, u): read aloud and typed without confusion. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

const randomCode = () => Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
/** What a user types: any case, dashes and spaces ignored, the look-alikes read as Crockford does. */
const normalize = (code: string) => code.toLowerCase().replace(/[\s-]+/g, '').replace(/[il]/g, '1').replace(/o/g, '0');

export function createRecoveryCodesService(masterKey: Buffer) {
  const key = deriveKey(masterKey, 'recovery-codes');
  const hash = (scope: RealmScope, userId: string, code: string) => createHmac('sha256', key).update(`${scope.realm.id}:${userId}:${code}`).digest('base64url');

  return {
    /** A new set (the old one stops working); the codes, formatted, to show once. */
    async generate(scope: RealmScope, userId: string): Promise<string[]> {
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, randomCode);
      await scope.recoveryCodes.replace(userId, codes.map((c) => hash(scope, userId, c)));
      return codes.map((c) => `${c.slice(0, 5)}-${c.slice(5)}`);
    },
    /** Uses a code: true once per code. */
    async use(scope: RealmScope, userId: string, code: string): Promise<boolean> {
      const typed = normalize(code);
      if (!/^[0-9a-z]{10}$/.test(typed)) return false;
      return scope.recoveryCodes.use(userId, hash(scope, userId, typed));
    },
    remaining: (scope: RealmScope, userId: string) => scope.recoveryCodes.countUnused(userId),
  };
}

export type RecoveryCodesService = ReturnType<typeof createRecoveryCodesService>;
