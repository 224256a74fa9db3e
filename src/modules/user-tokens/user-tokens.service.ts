// Single-use tokens mailed to users (verification, reset, magic link, set password) and the
// magic-link exchange code of the direct API: 256 random bits, stored as SHA-256; the optional
// 6-digit code (for reading mail on another device) as an HMAC keyed from MASTER_KEY, tried at
// most MAX_CODE_ATTEMPTS times. Every lookup is realm-scoped: a token of realm A finds nothing
// in realm B. Consuming is one conditional UPDATE, so a token works once across instances.
import { createHmac, randomInt } from 'node:crypto';
import type { Prisma, UserToken } from '../../generated/prisma/client.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import { deriveKey } from '../../security/encryption.js';
import { constantTimeEqual, randomToken, sha256 } from '../../security/tokens.js';

/** What each kind lives (seconds) and whether it carries a code. */
export const USER_TOKEN_KINDS = {
  email_verification: { ttlSeconds: 24 * 3600, code: true },
  password_reset: { ttlSeconds: 30 * 60, code: false },
  magic_link: { ttlSeconds: 15 * 60, code: false },
  set_password: { ttlSeconds: 72 * 3600, code: false },
  magic_link_exchange: { ttlSeconds: 5 * 60, code: false },
  email_change: { ttlSeconds: 24 * 3600, code: false },
} as const;
export type UserTokenKind = keyof typeof USER_TOKEN_KINDS;

export const MAX_CODE_ATTEMPTS = 5;

export interface IssuedToken {
  token: string;
  /** Only for kinds with `code: true`. */
  code?: string;
  expiresAt: Date;
}

export type CodeResult = { ok: true; token: UserToken } | { ok: false; reason: 'invalid' | 'locked' };

export function createUserTokensService(masterKey: Buffer) {
  const codeKey = deriveKey(masterKey, 'user-token-codes');
  const codeHash = (realmId: string, userId: string, code: string) => createHmac('sha256', codeKey).update(`${realmId}:${userId}:${code}`).digest('base64url');

  return {
    /** A new token of `kind` for the user; earlier unused ones of that kind stop working. Call inside the transaction that mails it. */
    async issue(tx: RealmScope, userId: string, kind: UserTokenKind, data: Prisma.InputJsonValue = {}): Promise<IssuedToken> {
      const spec = USER_TOKEN_KINDS[kind];
      const token = randomToken(32);
      const code = spec.code ? String(randomInt(0, 1_000_000)).padStart(6, '0') : undefined;
      const expiresAt = new Date(Date.now() + spec.ttlSeconds * 1000);
      await tx.userTokens.endAll(userId, kind);
      await tx.userTokens.create({ userId, kind, hash: sha256(token), ...(code ? { codeHash: codeHash(tx.realm.id, userId, code) } : {}), data, expiresAt });
      return { token, code, expiresAt };
    },
    /** The live token, without using it (a confirm page shows before the POST that consumes). */
    peek(scope: RealmScope, kind: UserTokenKind, token: string) {
      return typeof token === 'string' && token.length <= 128 ? scope.userTokens.findLive(kind, sha256(token)) : Promise.resolve(null);
    },
    /** Uses the token: its record when this call was the one that used it, else null. */
    async consume(scope: RealmScope, kind: UserTokenKind, token: string): Promise<UserToken | null> {
      const found = await this.peek(scope, kind, token);
      if (!found) return null;
      return (await scope.userTokens.consume(found.id)) ? found : null;
    },
    /** Uses the user's newest token of `kind` by its code; wrong codes count towards a lock. */
    async consumeCode(scope: RealmScope, userId: string, kind: UserTokenKind, code: string): Promise<CodeResult> {
      const found = await scope.userTokens.findLatestLive(userId, kind);
      if (!found?.codeHash) return { ok: false, reason: 'invalid' };
      if (found.attempts >= MAX_CODE_ATTEMPTS) return { ok: false, reason: 'locked' };
      if (!constantTimeEqual(codeHash(scope.realm.id, userId, code), found.codeHash)) {
        const mayRetry = await scope.userTokens.countAttempt(found.id, MAX_CODE_ATTEMPTS);
        return { ok: false, reason: mayRetry && found.attempts + 1 < MAX_CODE_ATTEMPTS ? 'invalid' : 'locked' };
      }
      return (await scope.userTokens.consume(found.id)) ? { ok: true, token: found } : { ok: false, reason: 'invalid' };
    },
    /** Ends every unused token of these kinds for the user (e.g. a password change ends reset links). */
    async endAll(scope: RealmScope, userId: string, kinds: UserTokenKind[]) {
      for (const kind of kinds) await scope.userTokens.endAll(userId, kind);
    },
  };
}

export type UserTokensService = ReturnType<typeof createUserTokensService>;
