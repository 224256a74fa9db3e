// Forgot / reset password (issue 8). The request answers the same whether or not the address
// has an account (no user enumeration, OWASP ASVS V2.5.x): a mail is queued only for a real,
// enabled user, and the caller never learns which happened. Completing the reset checks the
// realm's password policy (NIST SP 800-63B §5.1.1.2), sets the argon2id hash, ends every other
// reset / set-password / magic link of the user, and signs them out everywhere: whoever held
// the old password loses their sessions and refresh tokens.
import type { User } from '../../generated/prisma/client.js';
import { isEmailAddress } from '../users/email-address.js';
import { passwordProblems, type PasswordProblem } from '../../security/password-policy.js';
import type { Actor } from '../audit/actor.js';
import { activeUser, landingLink, mayMail, type AccountDeps } from '../account-mail/account-mail.js';

export type PasswordTokenKind = 'password_reset' | 'set_password';

export type CompleteResult = { ok: true; user: User } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'weak'; problems: PasswordProblem[] };

const AUDIT_COMPLETED: Record<PasswordTokenKind, string> = { password_reset: 'password_reset.completed', set_password: 'password_setup.completed' };

export function createPasswordResetService(deps: AccountDeps) {
  const { scope, mailOutbox, mailLimits, userTokens, config, passwords, sessions, afterAnswer } = deps;

  return {
    /** Queues 'reset-password' for a real, enabled user; the same (void) outcome for any other address. */
    async request(email: string, meta: Actor): Promise<void> {
      const address = typeof email === 'string' ? email.trim().toLowerCase() : '';
      if (!isEmailAddress(address)) return;
      // The limits are counted for every address, known or not, so a 429 says nothing about accounts.
      if (!(await mayMail(mailLimits, scope.realm.id, address, meta))) return;
      // The account's part runs after the answer: known and unknown addresses answer alike in time too.
      await afterAnswer.run('password_reset.request', async () => {
        const user = await scope.users.findByEmail(address);
        if (!user || user.disabled) return;
        await scope.inTransaction(async (tx) => {
          const issued = await userTokens.issue(tx, user.id, 'password_reset');
          const link = landingLink(config.baseUrl, scope.realm.name, 'password/reset', issued.token);
          await mailOutbox.enqueue(tx, { to: user.email, template: 'reset-password', data: { name: user.name, link } });
          await tx.audit.append({ ...meta, action: 'password_reset.requested', target: `user:${user.id}` });
        });
      });
    },
    /** The live token's user (the form shows before the POST), or null. */
    async peek(token: string, kind: PasswordTokenKind = 'password_reset') {
      const found = await userTokens.peek(scope, kind, token);
      return found ? activeUser(scope, found.userId) : null;
    },
    /** Sets the new password with a reset (or set-password) token: single use, policy-checked. */
    async complete(token: string, newPassword: string, meta: Actor, kind: PasswordTokenKind = 'password_reset'): Promise<CompleteResult> {
      if (typeof token !== 'string' || typeof newPassword !== 'string') return { ok: false, reason: 'invalid' };
      const user = await this.peek(token, kind);
      if (!user) return { ok: false, reason: 'invalid' };
      // Checked before the token is used, so a weak password leaves the link working for a retry.
      const problems = passwordProblems(newPassword, scope.settings.passwordPolicy, user.email);
      if (problems.length) return { ok: false, reason: 'weak', problems };
      const hash = await passwords.hash(newPassword);
      const done = await scope.inTransaction(async (tx) => {
        const used = await userTokens.consume(tx, kind, token);
        if (!used || used.userId !== user.id) return false;
        await tx.users.setPasswordHash(user.id, hash);
        // The link reached the user's mailbox: that proves the address as well as a verification mail would.
        await tx.users.markEmailVerified(user.id, user.email);
        await userTokens.endAll(tx, user.id, ['password_reset', 'set_password', 'magic_link']);
        await mailOutbox.enqueue(tx, { to: user.email, template: 'password-changed', data: { name: user.name } });
        await tx.audit.append({ ...meta, action: AUDIT_COMPLETED[kind], target: `user:${user.id}` });
        return true;
      });
      if (!done) return { ok: false, reason: 'invalid' };
      await sessions.revokeAll(user.id);
      return { ok: true, user: { ...user, emailVerified: true } };
    },
  };
}

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;
