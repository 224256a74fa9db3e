// A signed-in user changes their email address (the account page's profile section). The new
// address gets a single-use link (user-tokens, kind email_change, 24 h); the change happens only
// when that link is used, so nobody can move an account to an address they do not read
// (OWASP ASVS V6.6 / NIST SP 800-63B §6.1.2.3: proof of the new address). The token records the
// address it was issued from: if the account's address changed since, the link changes nothing.
// When it is done the old address is told (the owner learns of a takeover). An address already
// used in the realm gets no mail and the answer is the same (no enumeration); the link would
// fail at the end anyway (unique per realm).
import { Prisma } from '../../generated/prisma/client.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import type { Actor } from '../audit/actor.js';
import { mayMail } from '../account-mail/account-mail.js';
import type { MailLimits } from '../mail/mail-limits.js';
import type { MailOutbox } from '../mail/mail-outbox.js';
import type { UserTokensService } from '../user-tokens/user-tokens.service.js';
import { isEmailAddress } from './email-address.js';

export type ChangeRequest = { ok: true } | { ok: false; reason: 'invalid' | 'same' };
export type ChangeResult = { ok: true; email: string } | { ok: false; reason: 'invalid' | 'taken' };

/** The page a mailed link opens: /realms/{realm}/account/profile/email-change?token= */
export const emailChangeLink = (baseUrl: string, realmName: string, token: string) =>
  `${baseUrl}/realms/${encodeURIComponent(realmName)}/account/profile/email-change?token=${encodeURIComponent(token)}`;

export function createEmailChangeService(deps: { scope: RealmScope; baseUrl: string; mailOutbox: MailOutbox; mailLimits: MailLimits; userTokens: UserTokensService }) {
  const { scope, mailOutbox, userTokens } = deps;
  return {
    /** Mails a link to `newEmail` (throws MailLimitedError on the source/realm limits). */
    async request(user: { id: string; email: string; name: string | null }, newEmail: string, meta: Actor): Promise<ChangeRequest> {
      const address = typeof newEmail === 'string' ? newEmail.trim().toLowerCase() : '';
      if (!isEmailAddress(address)) return { ok: false, reason: 'invalid' };
      if (address === user.email.toLowerCase()) return { ok: false, reason: 'same' };
      if (!(await mayMail(deps.mailLimits, scope.realm.id, address, meta))) return { ok: true };
      if (await scope.users.findByEmail(address)) return { ok: true };
      await scope.inTransaction(async (tx) => {
        const issued = await userTokens.issue(tx, user.id, 'email_change', { email: address, from: user.email.toLowerCase() });
        await mailOutbox.enqueue(tx, { to: address, template: 'confirm-email-change', data: { name: user.name, newEmail: address, link: emailChangeLink(deps.baseUrl, scope.realm.name, issued.token) } });
        await tx.audit.append({ ...meta, action: 'user.email_change_requested', target: `user:${user.id}` });
      });
      return { ok: true };
    },
    /** The address a live link would change to (the confirm page shows it), or null. */
    async peek(token: string): Promise<string | null> {
      const found = await userTokens.peek(scope, 'email_change', token);
      const email = (found?.data as { email?: unknown } | null)?.email;
      return typeof email === 'string' ? email : null;
    },
    /** Uses the link: the account's address becomes the new one (verified), the old one is told. */
    async confirm(token: string, meta: Omit<Actor, 'actor'>): Promise<ChangeResult> {
      if (typeof token !== 'string' || !token) return { ok: false, reason: 'invalid' };
      try {
        return await scope.inTransaction(async (tx): Promise<ChangeResult> => {
          const used = await userTokens.consume(tx, 'email_change', token);
          const data = used?.data as { email?: unknown; from?: unknown } | null;
          const user = used && (await tx.users.findById(used.userId));
          if (!used || !user || user.disabled || typeof data?.email !== 'string' || data.from !== user.email.toLowerCase()) return { ok: false, reason: 'invalid' };
          await tx.users.update(user.id, { email: data.email, emailVerified: true });
          // Links mailed to the old address must not act on the account any more.
          await userTokens.endAll(tx, user.id, ['email_verification', 'password_reset', 'set_password', 'magic_link', 'email_change']);
          await mailOutbox.enqueue(tx, { to: user.email, template: 'email-changed', data: { name: user.name, newEmail: data.email } });
          await tx.audit.append({ ...meta, actor: `user:${user.id}`, action: 'user.email_changed', target: `user:${user.id}` });
          return { ok: true, email: data.email };
        });
      } catch (err) {
        // Another account took the address since the link was sent (unique per realm).
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return { ok: false, reason: 'taken' };
        throw err;
      }
    },
  };
}
