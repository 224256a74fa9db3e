// Email verification (issue 8): a mail with a link and a 6-digit code (for reading mail on
// another device). The token's data records the address it was sent to: if the account's email
// changed since, the old mail verifies nothing. Link and code are single use (user-tokens).
import type { User } from '../../generated/prisma/client.js';
import type { Actor } from '../audit/actor.js';
import { activeUser, landingLink, mayMail, type AccountDeps } from '../account-mail/account-mail.js';

export type VerifyResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'locked' };

const CODE_PATTERN = /^\d{6}$/;

export function createEmailVerificationService(deps: AccountDeps) {
  const { scope, mailOutbox, mailLimits, userTokens, config } = deps;

  /** Marks the user verified for the address the token was sent to, in the transaction that used it. */
  async function complete(tx: typeof scope, userId: string, data: unknown, meta: Actor): Promise<VerifyResult> {
    const email = (data as { email?: unknown } | null)?.email;
    const user = await activeUser(tx, userId);
    if (!user || typeof email !== 'string' || !(await tx.users.markEmailVerified(userId, email))) return { ok: false, reason: 'invalid' };
    await tx.audit.append({ ...meta, action: 'email_verification.completed', target: `user:${userId}` });
    return { ok: true, user: { ...user, emailVerified: true } };
  }

  return {
    /** Issues a link + code and queues 'verify-email'; nothing is queued for an address over its limit. */
    async send(user: { id: string; email: string; name: string | null }, meta: Actor): Promise<void> {
      if (!(await mayMail(mailLimits, scope.realm.id, user.email, meta))) return;
      await scope.inTransaction(async (tx) => {
        const issued = await userTokens.issue(tx, user.id, 'email_verification', { email: user.email.toLowerCase() });
        const link = landingLink(config.baseUrl, scope.realm.name, 'email/verify', issued.token);
        await mailOutbox.enqueue(tx, { to: user.email, template: 'verify-email', data: { name: user.name, link, code: issued.code ?? '' } });
        await tx.audit.append({ ...meta, action: 'email_verification.sent', target: `user:${user.id}` });
      });
    },
    /** The landing page's POST: uses the mailed link. */
    async verifyToken(token: string, meta: Actor): Promise<VerifyResult> {
      if (typeof token !== 'string' || !token) return { ok: false, reason: 'invalid' };
      return scope.inTransaction(async (tx) => {
        const used = await userTokens.consume(tx, 'email_verification', token);
        return used ? complete(tx, used.userId, used.data, meta) : { ok: false, reason: 'invalid' };
      });
    },
    /** The code typed in the sign-in flow (the user is known from the interaction); 5 wrong codes lock it. */
    async verifyCode(userId: string, code: string, meta: Actor): Promise<VerifyResult> {
      const typed = typeof code === 'string' ? code.replace(/\s+/g, '') : '';
      if (!CODE_PATTERN.test(typed)) return { ok: false, reason: 'invalid' };
      // The attempt counter must persist even when the code is wrong, so the wrong-code path is
      // not rolled back: consumeCode runs outside the transaction that marks the user.
      const result = await userTokens.consumeCode(scope, userId, 'email_verification', typed);
      if (!result.ok) return result;
      return scope.inTransaction((tx) => complete(tx, userId, result.token.data, meta));
    },
  };
}

export type EmailVerificationService = ReturnType<typeof createEmailVerificationService>;
