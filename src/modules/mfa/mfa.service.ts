// A user's second factors as the management API sees them: list, remove one, remove all
// (reset MFA: the user enrolls again at the next sign-in that requires it). Passkeys are listed
// one by one and removable alone or all together. Audited.
import type { RealmScope } from '../../realms/realm-scope.js';
import type { Actor } from '../audit/actor.js';

export const FACTOR_TYPES = ['totp', 'recovery_codes', 'passkey'] as const;
export type FactorType = (typeof FACTOR_TYPES)[number];

/** Passkey ids are uuids: anything else names no passkey (and is never sent to the database). */
export const isPasskeyId = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export interface FactorView {
  type: FactorType;
  createdAt: string;
  lastUsedAt: string | null;
  /** recovery_codes: how many are unused. */
  remaining?: number;
  /** passkey: one entry per passkey, with its id (to remove it alone) and name. */
  id?: string;
  name?: string;
}

export function createMfaService(scope: RealmScope) {
  return {
    async list(userId: string): Promise<FactorView[]> {
      const [totp, remaining, passkeys] = await Promise.all([scope.totp.find(userId), scope.recoveryCodes.countUnused(userId), scope.passkeys.listByUser(userId)]);
      const factors: FactorView[] = [];
      if (totp?.confirmedAt) factors.push({ type: 'totp', createdAt: totp.confirmedAt.toISOString(), lastUsedAt: totp.lastUsedAt?.toISOString() ?? null });
      if (remaining > 0) {
        const newest = await scope.recoveryCodes.createdAt(userId);
        factors.push({ type: 'recovery_codes', createdAt: (newest ?? new Date()).toISOString(), lastUsedAt: null, remaining });
      }
      for (const p of passkeys) factors.push({ type: 'passkey', id: p.id, name: p.name, createdAt: p.createdAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null });
      return factors;
    },
    /** False when the user had no such factor. `passkeyId`: one passkey (else all of them). */
    remove(userId: string, type: FactorType, actor: Actor, passkeyId?: string) {
      return scope.inTransaction(async (tx) => {
        const removed =
          type === 'totp' ? await tx.totp.remove(userId)
          : type === 'recovery_codes' ? await tx.recoveryCodes.removeAll(userId)
          : passkeyId ? await tx.passkeys.remove(userId, passkeyId)
          : (await tx.passkeys.removeAll(userId)) > 0;
        if (removed) await tx.audit.append({ ...actor, action: 'mfa.factor_removed', target: `user:${userId}`, data: { type, ...(passkeyId ? { passkeyId } : {}) } });
        return removed;
      });
    },
    /**
     * The user's own "remove my authenticator app". Recovery codes back up a second factor: they go
     * with the app unless a passkey remains for them to back up.
     */
    removeTotp(userId: string, actor: Actor): Promise<{ removed: boolean; codesKept: boolean }> {
      return scope.inTransaction(async (tx) => {
        const removed = await tx.totp.remove(userId);
        const codesKept = (await tx.passkeys.countByUser(userId)) > 0;
        if (!codesKept) await tx.recoveryCodes.removeAll(userId);
        if (removed) await tx.audit.append({ ...actor, action: 'mfa.factor_removed', target: `user:${userId}`, data: { type: 'totp', recoveryCodesKept: codesKept } });
        return { removed, codesKept };
      });
    },
    reset(userId: string, actor: Actor) {
      return scope.inTransaction(async (tx) => {
        const removed = [(await tx.totp.remove(userId)) && 'totp', (await tx.recoveryCodes.removeAll(userId)) && 'recovery_codes', (await tx.passkeys.removeAll(userId)) > 0 && 'passkey'].filter(Boolean);
        await tx.audit.append({ ...actor, action: 'mfa.reset', target: `user:${userId}`, data: { removed } });
        return removed.length;
      });
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
