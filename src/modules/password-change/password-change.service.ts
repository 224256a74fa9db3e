// A signed-in user changes their password on the account page: the current password is checked
// (argon2id verify, as at sign-in), the new one against the realm's policy (NIST SP 800-63B
// §5.1.1.2), then in one transaction the hash is replaced, mailed reset / set-password / sign-in
// links stop working, the "password changed" notice is queued and the change is audited. A user
// who has no password yet (signed up by link) sets one without a current password: the recent
// sign-in (the account page's step-up) is the proof. Wrong current passwords are counted (5 an
// hour per user), so a left-open page is no password oracle.
// Sessions: every OTHER session and grant of the user ends (the caller does it, browser-sessions
// endOthers), the browser making the change stays signed in. Whoever knew the old password may
// be signed in elsewhere and must lose that (OWASP ASVS V7.4.3; OWASP Session Management Cheat
// Sheet, "Renew the Session ID After Any Privilege Level Change"); the person who just proved
// both the old password and a fresh sign-in gains nothing from being signed out here too.
import type { RealmScope } from '../../realms/realm-scope.js';
import { passwordProblems, type PasswordProblem } from '../../security/password-policy.js';
import { PASSWORD_MAX_LENGTH, type PasswordHasher } from '../../security/passwords.js';
import type { Actor } from '../audit/actor.js';
import type { MailOutbox } from '../mail/mail-outbox.js';
import type { UserTokensService } from '../user-tokens/user-tokens.service.js';

export type ChangeResult = { ok: true } | { ok: false; reason: 'wrong_current' | 'limited' } | { ok: false; reason: 'weak'; problems: PasswordProblem[] };

export interface WrongPasswordLimit {
  /** Counts one wrong password; false once the user is over the limit. */
  hit(key: string): Promise<boolean>;
  isOver(key: string): Promise<boolean>;
}

export function createPasswordChangeService(deps: { scope: RealmScope; passwords: PasswordHasher; mailOutbox: MailOutbox; userTokens: UserTokensService; limit: WrongPasswordLimit }) {
  const { scope, passwords } = deps;
  return {
    hasPassword: (userId: string) => scope.users.hasPassword(userId),
    async change(user: { id: string; email: string; name: string | null }, current: string, next: string, meta: Actor): Promise<ChangeResult> {
      const limitKey = `${scope.realm.id}:${user.id}`;
      if (await deps.limit.isOver(limitKey)) return { ok: false, reason: 'limited' };
      const stored = await scope.users.findByEmailWithPassword(user.email);
      if (stored?.password) {
        const valid = typeof current === 'string' && current.length <= PASSWORD_MAX_LENGTH && (await passwords.verify(stored.password.hash, current));
        if (!valid) {
          await scope.audit.append({ ...meta, action: 'user.password_change_failed', target: `user:${user.id}` });
          return (await deps.limit.hit(limitKey)) ? { ok: false, reason: 'wrong_current' } : { ok: false, reason: 'limited' };
        }
      }
      const problems = passwordProblems(typeof next === 'string' ? next : '', scope.settings.passwordPolicy, user.email);
      if (problems.length) return { ok: false, reason: 'weak', problems };
      const hash = await passwords.hash(next);
      await scope.inTransaction(async (tx) => {
        await tx.users.setPasswordHash(user.id, hash);
        await deps.userTokens.endAll(tx, user.id, ['password_reset', 'set_password', 'magic_link']);
        await deps.mailOutbox.enqueue(tx, { to: user.email, template: 'password-changed', data: { name: user.name, fromAccountPage: true } });
        await tx.audit.append({ ...meta, action: 'user.password_changed', target: `user:${user.id}` });
      });
      return { ok: true };
    },
  };
}
