// What an administrator does to a user of one realm (management API and CLI): change the
// profile or state, delete, set a password, sign out everywhere. Writes happen in one
// transaction with their audit event; signing out goes through the realm's account sessions
// (src/modules/sessions/account-sessions.ts: sessions, grants and every token issued under them).
// Expected failures are return values (null: no such user) or 4xx problems, never 500s.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { Prisma, type User } from '../../generated/prisma/client.js';
import { problems } from '../../http/problem.js';
import { parseOrThrow } from '../../http/validate.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import { deriveKey } from '../../security/encryption.js';
import { passwordProblems } from '../../security/password-policy.js';
import type { PasswordHasher } from '../../security/passwords.js';
import type { Actor } from '../audit/actor.js';
import type { AccountSessions } from '../sessions/account-sessions.js';
import type { UserTokenKind, UserTokensService } from '../user-tokens/user-tokens.service.js';
import type { UserChanges } from './users.repo.js';
import { createUserSchema, toUserView, type UserView } from './users.service.js';

const optionalText = <S extends z.ZodType>(field: z.ZodOptional<S>) => field.unwrap().nullable().optional();

/** Every field optional; null clears a name. Unknown fields are refused, not ignored. */
export const updateUserSchema = z
  .object({
    email: createUserSchema.shape.email.optional(),
    emailVerified: z.boolean().optional(),
    name: optionalText(createUserSchema.shape.name),
    givenName: optionalText(createUserSchema.shape.givenName),
    familyName: optionalText(createUserSchema.shape.familyName),
    disabled: z.boolean().optional(),
  })
  .strict()
  // Only when nothing else is wrong: `{ role: 'admin' }` is about the unknown field, not an empty change.
  .refine((o) => Object.keys(o).length > 0, { message: 'Send at least one field to change.', when: (payload) => !payload.issues.length });
export type UpdateUserInput = z.input<typeof updateUserSchema>;

// The realm policy (src/security/password-policy.ts) judges the password; this bound only keeps
// megabyte strings away from it.
export const setPasswordSchema = z.object({ password: z.string().min(1).max(4096) }).strict();

/** Links mailed to the old address must not act on the account once the address has changed. */
const MAILED_KINDS: UserTokenKind[] = ['email_verification', 'password_reset', 'magic_link', 'set_password'];
/** A new password ends the links that would set another one. */
const PASSWORD_KINDS: UserTokenKind[] = ['password_reset', 'set_password'];

/** User ids are uuids; anything else cannot name a user (and would make PostgreSQL refuse the query). */
const isUserId = (id: string) => z.guid().safeParse(id).success;

const isPrismaError = (err: unknown, code: string) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;

export interface UserAdminDeps {
  passwords: PasswordHasher;
  userTokens: UserTokensService;
  sessions: AccountSessions;
  masterKey: Buffer;
}

export function createUserAdminService(scope: RealmScope, { passwords, userTokens, sessions, masterKey }: UserAdminDeps) {
  // The deleted user's tombstone keeps a keyed digest of the address, not the address: the audit
  // log is append-only and outlives the account, so a clear address there would survive the
  // erasure the deletion is for (GDPR Art. 17). An operator asked "was jo@example.com's account
  // deleted?" computes the digest of that address and looks for it; an unkeyed hash would let
  // anyone with the log test a list of addresses against it.
  const tombstoneKey = deriveKey(masterKey, 'audit-user-tombstone');
  const emailDigest = (email: string) => createHmac('sha256', tombstoneKey).update(`${scope.realm.id}:${email}`).digest('base64url');

  const find = async (id: string) => (isUserId(id) ? scope.users.findById(id) : null);

  return {
    /**
     * Changes profile fields and state. A new email is stored lower-cased and is unverified unless
     * this call also sets emailVerified: true; `emailChanged` tells the caller to send the
     * verification mail. Disabling signs the user out everywhere: findAccount already refuses a
     * disabled user, and their live tokens must stop working too.
     */
    async update(id: string, input: UpdateUserInput, actor: Actor): Promise<{ user: UserView; emailChanged: boolean } | null> {
      if (!isUserId(id)) return null;
      const changes = parseOrThrow(updateUserSchema, input);
      let result: { before: User; after: User; emailChanged: boolean } | null;
      try {
        result = await scope.inTransaction(async (tx) => {
          const before = await tx.users.findById(id);
          if (!before) return null;
          const emailChanged = changes.email !== undefined && changes.email !== before.email;
          const data: UserChanges = { ...changes, ...(emailChanged && changes.emailVerified !== true ? { emailVerified: false } : {}) };
          const after = await tx.users.update(id, data);
          const fields = (Object.keys(data) as (keyof UserChanges)[]).filter((k) => before[k] !== after[k]);
          if (emailChanged) await userTokens.endAll(tx, id, MAILED_KINDS);
          // Field names and the two switches' new values; never the values of personal fields.
          if (fields.length) {
            const switches = Object.fromEntries((['disabled', 'emailVerified'] as const).filter((k) => fields.includes(k)).map((k) => [k, after[k]]));
            await tx.audit.append({ ...actor, action: 'user.updated', target: `user:${id}`, data: { fields, ...switches } });
          }
          return { before, after, emailChanged };
        });
      } catch (err) {
        if (isPrismaError(err, 'P2002')) throw problems.conflict('email_taken', 'A user with this email already exists in this realm.');
        throw err;
      }
      if (!result) return null;
      // Also when already disabled: a retry after a store outage finishes the sign-out.
      if (changes.disabled === true) await sessions.revokeAll(id);
      return { user: toUserView(result.after), emailChanged: result.emailChanged };
    },

    /**
     * Deletes the user and everything that signs them in. Sessions are revoked before the delete
     * (if the session store is down the request fails with nothing deleted, and can be retried)
     * and again after it (anything issued in between; once the row is gone, findAccount refuses
     * the user, so nothing new can be issued).
     */
    async remove(id: string, actor: Actor): Promise<boolean> {
      if (!(await find(id))) return false;
      await sessions.revokeAll(id);
      let deleted: boolean;
      try {
        deleted = await scope.inTransaction(async (tx) => {
          const user = await tx.users.findById(id);
          if (!user || !(await tx.users.remove(id))) return false;
          await tx.audit.append({ ...actor, action: 'user.deleted', target: `user:${id}`, data: { emailDigest: emailDigest(user.email) } });
          return true;
        });
      } catch (err) {
        // Realm.ownerId is ON DELETE RESTRICT: a developer account cannot vanish from under its realms.
        if (isPrismaError(err, 'P2003')) throw problems.conflict('user_owns_realms', 'This developer account owns realms: delete them or give them another owner first.');
        throw err;
      }
      await sessions.revokeAll(id);
      return deleted;
    },

    /**
     * Sets a password under the realm's policy, then signs the user out everywhere, as a reset
     * does: an administrator sets a password because the old one is lost or leaked, so whoever
     * holds a session or refresh token got with it should lose it. It is what users expect.
     */
    async setPassword(id: string, input: unknown, actor: Actor): Promise<boolean> {
      if (!isUserId(id)) return false;
      const { password } = parseOrThrow(setPasswordSchema, input);
      const user = await scope.users.findById(id);
      if (!user) return false;
      const weak = passwordProblems(password, scope.settings.passwordPolicy, user.email);
      if (weak.length) throw problems.validation(weak.map((p) => ({ path: 'password', message: p.message, code: p.code })), 'The password does not meet the realm’s password policy.');
      const hash = await passwords.hash(password);
      const done = await scope.inTransaction(async (tx) => {
        if (!(await tx.users.findById(id))) return false;
        await tx.users.setPasswordHash(id, hash);
        await userTokens.endAll(tx, id, PASSWORD_KINDS);
        await tx.audit.append({ ...actor, action: 'user.password_set', target: `user:${id}` });
        return true;
      });
      if (done) await sessions.revokeAll(id);
      return done;
    },

    /** Signs the user out of every session; their refresh and access tokens stop working. */
    async revokeSessions(id: string, actor: Actor): Promise<boolean> {
      if (!(await find(id))) return false;
      await sessions.revokeAll(id);
      await scope.audit.append({ ...actor, action: 'user.sessions_revoked', target: `user:${id}` });
      return true;
    },

    /**
     * The user a "set your password" mail may go to: one without a password, not disabled.
     * The caller sends it (passwordSetup.send).
     */
    async passwordSetupTarget(id: string): Promise<User | null> {
      const user = await find(id);
      if (!user) return null;
      if (await scope.users.hasPassword(id)) throw problems.conflict('password_exists', 'This user already has a password; set a new one with POST /users/{id}/password.');
      if (user.disabled) throw problems.conflict('user_disabled', 'This user is disabled: enable them before sending a set-password mail.');
      return user;
    },
  };
}

export type UserAdminService = ReturnType<typeof createUserAdminService>;
