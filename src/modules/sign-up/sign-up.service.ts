// Self-service sign-up on the hosted pages (realm setting signUp: 'enabled'). The answer is the
// same whether or not the address already has an account ("check your mail"), so the form
// cannot be used to find out who has one (OWASP ASVS V2.5.x / no user enumeration). What the
// mailbox receives differs, which only its owner sees:
// - a new address: the account is created and gets the verification mail (link + code);
// - an existing, unverified account: the verification mail again (the same next step);
// - an existing, verified account: a password-reset mail. Whoever signs up with an address
//   that has an account is most likely its owner who forgot it: the reset link is the way in,
//   and nobody else learns anything. The existing account's password is never changed here.
// The password is hashed on every path, so the response time does not tell them apart either.
import { Prisma } from '../../generated/prisma/client.js';
import type { PasswordHasher } from '../../security/passwords.js';
import { passwordProblems, type PasswordProblem } from '../../security/password-policy.js';
import type { Actor } from '../audit/actor.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import type { EmailVerificationService } from '../email-verification/email-verification.service.js';
import type { PasswordResetService } from '../password-reset/password-reset.service.js';

export interface SignUpInput {
  /** Already validated and lower-cased (emailAddress()). */
  email: string;
  password: string;
  name?: string;
}

export type SignUpResult = { ok: true } | { ok: false; problems: PasswordProblem[] };

interface ExistingUser {
  id: string;
  email: string;
  name: string | null;
  emailVerified: boolean;
  disabled: boolean;
}

export function createSignUpService(deps: { scope: RealmScope; passwords: PasswordHasher; emailVerification: EmailVerificationService; passwordReset: PasswordResetService }) {
  const { scope, passwords, emailVerification, passwordReset } = deps;

  async function existing(user: ExistingUser, meta: Actor): Promise<SignUpResult> {
    if (user.disabled) return { ok: true };
    if (!user.emailVerified) await emailVerification.send(user, meta);
    else await passwordReset.request(user.email, meta);
    return { ok: true };
  }

  return {
    async signUp(input: SignUpInput, meta: Actor): Promise<SignUpResult> {
      const problems = passwordProblems(input.password, scope.settings.passwordPolicy, input.email);
      if (problems.length) return { ok: false, problems };
      const passwordHash = await passwords.hash(input.password);
      const found = await scope.users.findByEmail(input.email);
      if (found) return existing(found, meta);
      let user;
      try {
        user = await scope.inTransaction(async (tx) => {
          const created = await tx.users.create({ email: input.email, name: input.name ?? null, passwordHash });
          await tx.audit.append({ ...meta, action: 'user.signed_up', target: `user:${created.id}` });
          return created;
        });
      } catch (err) {
        // Two sign-ups for one address at once: the second finds the first's account.
        if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
        const raced = await scope.users.findByEmail(input.email);
        return raced ? existing(raced, meta) : { ok: true };
      }
      await emailVerification.send(user, meta);
      return { ok: true };
    },
  };
}

export type SignUpService = ReturnType<typeof createSignUpService>;
