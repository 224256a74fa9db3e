// "Set your password" for a user created without one (an admin invites them): a set_password
// token (72 h) mailed as a link to /realms/{realm}/password/set, the reset page's twin
// (passwordReset.complete with kind 'set_password' sets it).
import type { Actor } from '../audit/actor.js';
import { landingLink, mayMail, type AccountDeps } from '../account-mail/account-mail.js';
import type { PasswordResetService } from '../password-reset/password-reset.service.js';

export function createPasswordSetupService(deps: AccountDeps, passwordReset: PasswordResetService) {
  const { scope, mailOutbox, mailLimits, userTokens, config } = deps;
  return {
    /** Queues 'set-password' (limits as every account mail: an address over its limit gets nothing). */
    async send(user: { id: string; email: string; name: string | null }, meta: Actor): Promise<void> {
      if (!(await mayMail(mailLimits, scope.realm.id, user.email, meta))) return;
      await scope.inTransaction(async (tx) => {
        const issued = await userTokens.issue(tx, user.id, 'set_password');
        const link = landingLink(config.baseUrl, scope.realm.name, 'password/set', issued.token);
        await mailOutbox.enqueue(tx, { to: user.email, template: 'set-password', data: { name: user.name, link } });
        await tx.audit.append({ ...meta, action: 'password_setup.sent', target: `user:${user.id}` });
      });
    },
    peek: (token: string) => passwordReset.peek(token, 'set_password'),
    complete: (token: string, newPassword: string, meta: Actor) => passwordReset.complete(token, newPassword, meta, 'set_password'),
  };
}

export type PasswordSetupService = ReturnType<typeof createPasswordSetupService>;
