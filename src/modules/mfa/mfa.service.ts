// A user's second factors as the management API sees them: list, remove one, remove all
// (reset MFA: the user enrolls again at the next sign-in that requires it). Audited.
import type { RealmScope } from '../../realms/realm-scope.js';
import type { Actor } from '../audit/actor.js';

export const FACTOR_TYPES = ['totp', 'recovery_codes'] as const;
export type FactorType = (typeof FACTOR_TYPES)[number];

export interface FactorView {
  type: FactorType;
  createdAt: string;
  lastUsedAt: string | null;
  /** recovery_codes: how many are unused. */
  remaining?: number;
}

export function createMfaService(scope: RealmScope) {
  return {
    async list(userId: string): Promise<FactorView[]> {
      const [totp, remaining] = await Promise.all([scope.totp.find(userId), scope.recoveryCodes.countUnused(userId)]);
      const factors: FactorView[] = [];
      if (totp?.confirmedAt) factors.push({ type: 'totp', createdAt: totp.confirmedAt.toISOString(), lastUsedAt: totp.lastUsedAt?.toISOString() ?? null });
      if (remaining > 0) {
        const newest = await scope.recoveryCodes.createdAt(userId);
        factors.push({ type: 'recovery_codes', createdAt: (newest ?? new Date()).toISOString(), lastUsedAt: null, remaining });
      }
      return factors;
    },
    /** False when the user had no such factor. */
    remove(userId: string, type: FactorType, actor: Actor) {
      return scope.inTransaction(async (tx) => {
        const removed = type === 'totp' ? await tx.totp.remove(userId) : await tx.recoveryCodes.removeAll(userId);
        if (removed) await tx.audit.append({ ...actor, action: 'mfa.factor_removed', target: `user:${userId}`, data: { type } });
        return removed;
      });
    },
    reset(userId: string, actor: Actor) {
      return scope.inTransaction(async (tx) => {
        const removed = [(await tx.totp.remove(userId)) && 'totp', (await tx.recoveryCodes.removeAll(userId)) && 'recovery_codes'].filter(Boolean);
        await tx.audit.append({ ...actor, action: 'mfa.reset', target: `user:${userId}`, data: { removed } });
        return removed.length;
      });
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
