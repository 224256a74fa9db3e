// The realm's account services, built together (password setup reuses the reset's completion).
import type { AccountDeps } from './account-mail.js';
import { createEmailVerificationService } from '../email-verification/email-verification.service.js';
import { createMagicLinksService } from '../magic-links/magic-links.service.js';
import { createPasswordResetService } from '../password-reset/password-reset.service.js';
import { createPasswordSetupService } from '../password-setup/password-setup.service.js';
import { createSignUpService } from '../sign-up/sign-up.service.js';

export function createAccountServices(deps: AccountDeps) {
  const passwordReset = createPasswordResetService(deps);
  const emailVerification = createEmailVerificationService(deps);
  return {
    emailVerification,
    passwordReset,
    magicLinks: createMagicLinksService(deps),
    passwordSetup: createPasswordSetupService(deps, passwordReset),
    signUp: createSignUpService({ scope: deps.scope, passwords: deps.passwords, emailVerification, passwordReset }),
  };
}
