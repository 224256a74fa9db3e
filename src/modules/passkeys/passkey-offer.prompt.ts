// The passkey offer as a step of the sign-in: a `passkey_offer` prompt in oidc-provider's
// interaction policy, after mfa and before consent. It is asked once per sign-in, only when
// - this sign-in's login was a password (the result's login amr has 'pwd'),
// - the login page's script found a platform authenticator (isUserVerifyingPlatformAuthenticator-
//   Available, WebAuthn §5.1.7): a browser that could not make a passkey is not asked, nor is a
//   client without JavaScript, so nothing changes for them,
// - and the user has no passkey and did not choose "Don't ask again".
// It is not requestable (an app cannot ask for it) and never blocks prompt=none: a sign-in
// without a login in it has no password result, so the check passes.
import { interactionPolicy } from 'oidc-provider';
import type { RealmScope } from '../../realms/realm-scope.js';

export const PASSKEY_OFFER_PROMPT = 'passkey_offer';

/** What the sign-in's result carries for this prompt. */
export interface OfferResult {
  /** The login page's script saw a platform authenticator. */
  capable?: boolean;
  /** Answered ("Not now", "Don't ask again", or a passkey added). */
  done?: boolean;
}

interface SignInResult {
  login?: { amr?: string[] };
  [PASSKEY_OFFER_PROMPT]?: OfferResult;
}

export async function offerNeeded(scope: RealmScope, accountId: string | undefined, result: SignInResult | undefined) {
  const offer = result?.[PASSKEY_OFFER_PROMPT];
  if (!accountId || !offer?.capable || offer.done || !result?.login?.amr?.includes('pwd')) return false;
  const [count, dismissed] = await Promise.all([scope.passkeys.countByUser(accountId), scope.passkeys.offerDismissed(accountId)]);
  return count === 0 && !dismissed;
}

/** Adds the passkey offer before consent (after mfa, when that prompt is there). */
export function withPasskeyOffer(policy: ReturnType<typeof interactionPolicy.base>, scope: RealmScope) {
  const check = new interactionPolicy.Check('passkey_offer', 'The End-User may add a passkey', 'interaction_required', async (ctx) =>
    (await offerNeeded(scope, ctx.oidc.session?.accountId, ctx.oidc.result as SignInResult | undefined)) ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT);
  policy.add(new interactionPolicy.Prompt({ name: PASSKEY_OFFER_PROMPT, requestable: false }, check), policy.findIndex((p) => p.name === 'consent'));
  return policy;
}
