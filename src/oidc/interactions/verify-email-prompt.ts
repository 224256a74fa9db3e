// requireVerifiedEmail as a step of the sign-in itself: a `verify_email` prompt in
// oidc-provider's interaction policy, after login and before consent. While the signed-in
// account's email is unverified, every authorization request of the realm (a fresh login or an
// existing session) stops at this prompt, so no code or token is issued for the account until
// the code mailed to it is entered (src/modules/email-verification/). With prompt=none the
// client gets `interaction_required` (OpenID Connect Core §3.1.2.6).
import { interactionPolicy } from 'oidc-provider';
import type { RealmScope } from '../../realms/realm-scope.js';

export const VERIFY_EMAIL_PROMPT = 'verify_email';

/** The realm's policy: the default login and consent prompts, with verify_email between them. */
export function interactionPolicyFor(scope: RealmScope) {
  const policy = interactionPolicy.base();
  if (!scope.settings.requireVerifiedEmail) return policy;
  const check = new interactionPolicy.Check('email_not_verified', 'The End-User must verify their email address', 'interaction_required', async (ctx) => {
    const accountId = ctx.oidc.session?.accountId;
    if (!accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    const user = await scope.users.findById(accountId);
    return user && !user.emailVerified ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT;
  });
  policy.add(new interactionPolicy.Prompt({ name: VERIFY_EMAIL_PROMPT, requestable: false }, check), policy.findIndex((p) => p.name === 'login') + 1);
  return policy;
}
