// Magic links (issue 8): "email me a sign-in link". The link (15 min, single use) carries where
// the sign-in continues: a hosted-login interaction of this browser, or an app of the direct API.
// For an app the hosted page swaps the used link for a magic_link_exchange code (5 min, single
// use, bound to the client like an authorization code, RFC 6749 §4.1.2 / §4.1.3) and redirects
// to the app's registered redirect URI; the app's backend exchanges the code for the user.
// Requesting answers the same for any address (no user enumeration); using a link proves the
// mailbox, so the email counts as verified.
import type { User } from '../../generated/prisma/client.js';
import type { Actor } from '../audit/actor.js';
import { isEmailAddress } from '../users/email-address.js';
import { activeUser, landingLink, mayMail, type AccountDeps } from '../account-mail/account-mail.js';

export type MagicLinkTarget =
  | { kind: 'interaction'; uid: string }
  /** `redirectUri` was checked against the app's registered URIs by the caller. */
  | { kind: 'app'; clientId: string; redirectUri: string; state?: string };

const MAX_FIELD = 2000;
const short = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_FIELD;

/** The stored target, or null when the row holds something else (never trust JSON blindly). */
export function parseTarget(raw: unknown): MagicLinkTarget | null {
  const t = raw as Record<string, unknown> | null;
  if (t?.kind === 'interaction' && short(t.uid)) return { kind: 'interaction', uid: t.uid };
  if (t?.kind === 'app' && short(t.clientId) && short(t.redirectUri) && (t.state === undefined || short(t.state))) {
    return { kind: 'app', clientId: t.clientId, redirectUri: t.redirectUri, ...(t.state !== undefined ? { state: t.state as string } : {}) };
  }
  return null;
}

export function createMagicLinksService(deps: AccountDeps) {
  const { scope, mailOutbox, mailLimits, userTokens, config, afterAnswer } = deps;

  return {
    /** Queues 'magic-link' for a real, enabled user; the same (void) outcome for any other address. */
    async request(input: { email: string; target: MagicLinkTarget }, meta: Actor): Promise<void> {
      const address = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
      const target = parseTarget(input.target);
      if (!isEmailAddress(address) || !target) return;
      // Counted for every address, known or not, so a 429 says nothing about accounts.
      if (!(await mayMail(mailLimits, scope.realm.id, address, meta))) return;
      // The account's part runs after the answer: known and unknown addresses answer alike in time too.
      await afterAnswer.run('magic_link.request', async () => {
        const user = await scope.users.findByEmail(address);
        if (!user || user.disabled) return;
        await scope.inTransaction(async (tx) => {
          const issued = await userTokens.issue(tx, user.id, 'magic_link', { target });
          const link = landingLink(config.baseUrl, scope.realm.name, 'magic-link', issued.token);
          await mailOutbox.enqueue(tx, { to: user.email, template: 'magic-link', data: { name: user.name, link } });
          await tx.audit.append({ ...meta, action: 'magic_link.sent', target: `user:${user.id}`, data: { target: target.kind } });
        });
      });
    },
    /** Whether the link is live (the GET confirm page), without using it. */
    async peek(token: string): Promise<boolean> {
      return Boolean(await userTokens.peek(scope, 'magic_link', token));
    },
    /** Uses the link (atomic, single use) and marks the email verified: `{ user, target }` or null. */
    async consume(token: string, meta: Actor): Promise<{ user: User; target: MagicLinkTarget } | null> {
      if (typeof token !== 'string' || !token) return null;
      return scope.inTransaction(async (tx) => {
        const used = await userTokens.consume(tx, 'magic_link', token);
        const target = used && parseTarget((used.data as { target?: unknown } | null)?.target);
        const user = used && target ? await activeUser(tx, used.userId) : null;
        if (!used || !target || !user) return null;
        await tx.users.markEmailVerified(user.id, user.email);
        // An app's sign-in is "used" when its backend exchanges the code (exchange below).
        const action = target.kind === 'interaction' ? 'magic_link.used' : 'magic_link.confirmed';
        await tx.audit.append({ ...meta, action, target: `user:${user.id}`, data: { target: target.kind } });
        return { user: { ...user, emailVerified: true }, target };
      });
    },
    /** For an app target: a magic_link_exchange code, and where the browser goes with it (303). */
    async redirectForApp(user: User, target: Extract<MagicLinkTarget, { kind: 'app' }>): Promise<string> {
      const issued = await scope.inTransaction((tx) => userTokens.issue(tx, user.id, 'magic_link_exchange', { clientId: target.clientId, redirectUri: target.redirectUri }));
      const url = new URL(target.redirectUri);
      url.searchParams.set('code', issued.token);
      if (target.state !== undefined) url.searchParams.set('state', target.state);
      return url.toString();
    },
    /** The direct API's exchange: the user, when the code is live and was issued to `clientId`; else null. */
    async exchange(code: string, clientId: string, meta?: Actor): Promise<User | null> {
      if (typeof code !== 'string' || typeof clientId !== 'string') return null;
      const found = await userTokens.peek(scope, 'magic_link_exchange', code);
      if (!found || (found.data as { clientId?: unknown } | null)?.clientId !== clientId) return null;
      return scope.inTransaction(async (tx) => {
        if (!(await tx.userTokens.consume(found.id))) return null;
        const user = await activeUser(tx, found.userId);
        if (!user) return null;
        await tx.audit.append({ ...(meta ?? { actor: `app:${clientId}` }), action: 'magic_link.used', target: `user:${user.id}`, data: { target: 'app', clientId } });
        return user;
      });
    },
  };
}

export type MagicLinksService = ReturnType<typeof createMagicLinksService>;
