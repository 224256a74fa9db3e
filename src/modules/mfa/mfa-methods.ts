// The second-factor methods a user can enroll, each its own folder (src/modules/totp,
// src/modules/recovery-codes, src/modules/passkeys). The mfa prompt (mfa.routes.ts) asks each method
// the user has enrolled: adding one means adding an entry here, not editing the others.
import type { RealmScope } from '../../realms/realm-scope.js';
import { createRecoveryCodesService } from '../recovery-codes/recovery-codes.service.js';
import { createTotpService } from '../totp/totp.service.js';

interface MethodBase {
  /** Path segment of its form and its name in the management API. */
  type: 'totp' | 'recovery_code' | 'passkey';
  /** RFC 8176 §2 values this method adds to the session's amr. */
  amr: string[];
  isEnrolled(scope: RealmScope, userId: string): Promise<boolean>;
}

/** A method whose proof is a code typed into a form. */
export interface CodeMfaMethod extends MethodBase {
  kind: 'code';
  /** A code of this method: true when it is right and not used before. */
  verify(scope: RealmScope, userId: string, code: string): Promise<boolean>;
}

/**
 * A challenge-response method (a passkey): the page asks the server for a challenge and posts
 * the signed answer with a script; its routes are its own (src/modules/passkeys/passkey-mfa.routes.ts),
 * and its amr depends on the authenticator (hwk/swk, user), so it is given when it finishes.
 */
export interface ChallengeMfaMethod extends MethodBase {
  kind: 'challenge';
}

export type MfaMethod = CodeMfaMethod | ChallengeMfaMethod;
export const isCodeMethod = (m: MfaMethod): m is CodeMfaMethod => m.kind === 'code';

export function createMfaMethods(masterKey: Buffer) {
  const totp = createTotpService(masterKey);
  const recoveryCodes = createRecoveryCodesService(masterKey);
  const methods: MfaMethod[] = [
    { kind: 'code', type: 'totp', amr: ['otp'], isEnrolled: totp.isEnrolled, verify: (scope, userId, code) => totp.check(scope, userId, code, 'verify') },
    // RFC 8176 has no value for look-up secrets; a recovery code is a one-time password.
    { kind: 'code', type: 'recovery_code', amr: ['otp'], isEnrolled: async (scope, userId) => (await recoveryCodes.remaining(scope, userId)) > 0, verify: recoveryCodes.use },
    // RFC 8176 §2 hwk/swk (+ user): the amr of the passkey used, src/modules/passkeys/passkeys.service.ts amrOf.
    { kind: 'challenge', type: 'passkey', amr: [], isEnrolled: async (scope, userId) => (await scope.passkeys.countByUser(userId)) > 0 },
  ];
  return { totp, recoveryCodes, methods };
}

export type MfaMethods = ReturnType<typeof createMfaMethods>;
