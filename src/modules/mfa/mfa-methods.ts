// The second-factor methods a user can enroll, each its own folder (src/modules/totp,
// src/modules/recovery-codes; passkeys next). The mfa prompt (mfa.routes.ts) asks each method
// the user has enrolled: adding one means adding an entry here, not editing the others.
import type { RealmScope } from '../../realms/realm-scope.js';
import { createRecoveryCodesService } from '../recovery-codes/recovery-codes.service.js';
import { createTotpService } from '../totp/totp.service.js';

export interface MfaMethod {
  /** Path segment of its form and its name in the management API. */
  type: 'totp' | 'recovery_code';
  /** RFC 8176 §2 values this method adds to the session's amr. */
  amr: string[];
  isEnrolled(scope: RealmScope, userId: string): Promise<boolean>;
  /** A code of this method: true when it is right and not used before. */
  verify(scope: RealmScope, userId: string, code: string): Promise<boolean>;
}

export function createMfaMethods(masterKey: Buffer) {
  const totp = createTotpService(masterKey);
  const recoveryCodes = createRecoveryCodesService(masterKey);
  const methods: MfaMethod[] = [
    { type: 'totp', amr: ['otp'], isEnrolled: totp.isEnrolled, verify: (scope, userId, code) => totp.check(scope, userId, code, 'verify') },
    // RFC 8176 has no value for look-up secrets; a recovery code is a one-time password.
    { type: 'recovery_code', amr: ['otp'], isEnrolled: async (scope, userId) => (await recoveryCodes.remaining(scope, userId)) > 0, verify: recoveryCodes.use },
  ];
  return { totp, recoveryCodes, methods };
}

export type MfaMethods = ReturnType<typeof createMfaMethods>;
