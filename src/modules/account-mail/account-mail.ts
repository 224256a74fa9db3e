// What the account services (email verification, password reset, magic links, password setup)
// share: the links they mail (the hosted landing pages, absolute from BASE_URL) and the mail
// limits applied before anything is queued.
import type { Config } from '../../config/config.js';
import { ProblemError } from '../../http/problem.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import type { MailLimits } from '../mail/mail-limits.js';
import type { MailOutbox } from '../mail/mail-outbox.js';
import type { UserTokensService } from '../user-tokens/user-tokens.service.js';
import type { PasswordHasher } from '../../security/passwords.js';
import type { AccountSessions } from '../sessions/account-sessions.js';
import type { Actor } from '../audit/actor.js';
import type { AfterAnswer } from './after-answer.js';

/** 429 for the source or realm mail limits; carries Retry-After (RFC 6585 §4). */
export class MailLimitedError extends ProblemError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', 'Too many requests', 'Too many mails were asked for. Retry after the time in Retry-After.');
  }
}

/** What every account service is built from (src/services.ts forRealm). */
export interface AccountDeps {
  scope: RealmScope;
  config: Pick<Readonly<Config>, 'baseUrl'>;
  mailOutbox: MailOutbox;
  mailLimits: MailLimits;
  userTokens: UserTokensService;
  passwords: PasswordHasher;
  sessions: AccountSessions;
  /** Work done after the answer, so answer times say nothing about accounts (after-answer.ts). */
  afterAnswer: AfterAnswer;
}

export type LandingPage = 'email/verify' | 'password/reset' | 'password/set' | 'magic-link';

/** The hosted page a mailed token opens (the token is the only query parameter). */
export const landingLink = (baseUrl: string, realmName: string, page: LandingPage, token: string) =>
  `${baseUrl}/realms/${encodeURIComponent(realmName)}/${page}?token=${encodeURIComponent(token)}`;

/**
 * True when a mail to `address` may be queued. An address over its limit answers as usual and
 * queues nothing (the answer must not tell whether the address has an account); the source and
 * realm limits throw a 429, which says nothing about any account.
 */
export async function mayMail(limits: MailLimits, realmId: string, address: string, meta: Actor): Promise<boolean> {
  const result = await limits.check(realmId, address, meta.ip ?? undefined);
  if (result.ok) return true;
  if (result.limit === 'address') return false;
  throw new MailLimitedError(result.retryAfterSeconds);
}

/** A user a token may act for: present in this realm and not disabled. */
export async function activeUser(scope: RealmScope, userId: string) {
  const user = await scope.users.findById(userId);
  return user && !user.disabled ? user : null;
}
