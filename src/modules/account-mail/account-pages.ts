// The hosted account pages, assembled: those inside a sign-in (mounted into the interaction
// router, src/oidc/interactions/interaction.routes.ts) and the landing pages mailed links open
// (/realms/:realm/email/verify, /password/reset, /password/set, /magic-link).
import cookieParser from 'cookie-parser';
import { Router, type Request } from 'express';
import { createCsrf } from '../../http/csrf.js';
import type { InteractionDeps } from '../../oidc/interactions/interaction.routes.js';
import { VERIFY_EMAIL_PROMPT } from '../../oidc/interactions/verify-email-prompt.js';
import { emailVerificationLandingRoutes, mountVerifyEmailPrompt } from '../email-verification/email-verification.routes.js';
import { magicLinkLandingRoutes, mountMagicLinkInteraction } from '../magic-links/magic-links.routes.js';
import { mountForgotPassword, passwordLandingRoutes } from '../password-reset/password-reset.routes.js';
import { mountSignUp } from '../sign-up/sign-up.routes.js';
import type { AccountPagesDeps } from './page-kit.js';
import { MFA_PROMPT } from '../../oidc/interactions/mfa-prompt.js';
import { mountMfaPrompt } from '../mfa/mfa.routes.js';
import { mountPasskeySignIn } from '../passkeys/passkey-sign-in.routes.js';
import { mountPasskeyOffer } from '../passkeys/passkey-offer.routes.js';
import { PASSKEY_OFFER_PROMPT } from '../passkeys/passkey-offer.prompt.js';

/** Landing pages are outside any interaction: their CSRF cookie is scoped to the realm's path. */
const realmPath = (req: Request) => `/realms/${encodeURIComponent(String(req.params.realm))}`;

export function createAccountPages(deps: Omit<AccountPagesDeps, 'accountCsrf'>) {
  const secure = deps.config.baseUrl.startsWith('https:');
  const all: AccountPagesDeps = { ...deps, accountCsrf: createCsrf(deps.config.masterKey, secure, { name: 'gh_csrf_account', path: realmPath }) };
  const interaction: NonNullable<InteractionDeps['extend']> = (router, withDetails) => {
    mountSignUp(router, withDetails, all);
    mountForgotPassword(router, withDetails, all);
    mountMagicLinkInteraction(router, withDetails, all);
    mountPasskeySignIn(router, withDetails, all);
    return { [VERIFY_EMAIL_PROMPT]: mountVerifyEmailPrompt(router, withDetails, all), [MFA_PROMPT]: mountMfaPrompt(router, withDetails, all), [PASSKEY_OFFER_PROMPT]: mountPasskeyOffer(router, withDetails, all) };
  };
  const landing = Router({ mergeParams: true });
  landing.use(['/email', '/password', '/magic-link'], cookieParser());
  landing.use(emailVerificationLandingRoutes(all), passwordLandingRoutes(all), magicLinkLandingRoutes(all));
  return { interaction, landing };
}
