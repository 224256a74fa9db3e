// What a remembered browser is bound to (src/modules/mfa/remember-browser.ts): the values that
// change when the user's password or second factors change. One query; nothing is stored for it.
import type { Db } from '../../db/types.js';

export interface RememberBinding {
  passwordHash: string | null;
  /** Set when TOTP is confirmed; gone when it is removed, new when it is enrolled again. */
  totpConfirmedAt: Date | null;
  /** The newest recovery-code set; gone on removal, new on regeneration. */
  recoveryCodesAt: Date | null;
  /** The user's passkeys (ids in order): removing or adding one changes it. */
  passkeys: string;
}

export function createRememberBrowserRepo(db: Db, realmId: string) {
  return {
    /** Null for an unknown or disabled user. */
    bindingOf: async (userId: string): Promise<RememberBinding | null> => {
      const rows = await db.$queryRaw<RememberBinding[]>`
        SELECT p."hash" AS "passwordHash", t."confirmedAt" AS "totpConfirmedAt",
          (SELECT max(r."createdAt") FROM "RecoveryCode" r WHERE r."realmId" = u."realmId" AND r."userId" = u."id") AS "recoveryCodesAt",
          (SELECT coalesce(string_agg(k."id"::text, ',' ORDER BY k."id"), '') FROM "PasskeyCredential" k WHERE k."realmId" = u."realmId" AND k."userId" = u."id") AS "passkeys"
        FROM "User" u
        LEFT JOIN "PasswordCredential" p ON p."realmId" = u."realmId" AND p."userId" = u."id"
        LEFT JOIN "TotpCredential" t ON t."realmId" = u."realmId" AND t."userId" = u."id"
        WHERE u."realmId" = ${realmId}::uuid AND u."id" = ${userId}::uuid AND NOT u."disabled"`;
      return rows[0] ?? null;
    },
  };
}

export type RememberBrowserRepo = ReturnType<typeof createRememberBrowserRepo>;
