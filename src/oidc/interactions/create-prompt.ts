// prompt=create (Initiating User Registration via OpenID Connect 1.0, §4): a client asks for the
// account creation page instead of the sign-in page. Offered only where the realm has sign-up
// enabled; there the prompt is requestable, so discovery lists "create" in prompt_values_supported
// (§3), and elsewhere oidc-provider answers the client invalid_request, as §4.1 allows for a
// prompt the OP does not support. The step is the login step with the sign-up form in front: GET
// of the interaction shows sign-up, "I already have an account" the login form, and the sign-in
// forms (password, passkey, magic link, reset) all work in it. Once a login result exists (the
// account was created and signed in, or an existing one signed in) the prompt is satisfied.
import { interactionPolicy } from 'oidc-provider';
import type { RealmScope } from '../../realms/realm-scope.js';

export const CREATE_PROMPT = 'create';

/** Whether a sign-in form belongs to this step: the login prompt, or create (login with sign-up first). */
export const isSignInStep = (prompt: string) => prompt === 'login' || prompt === CREATE_PROMPT;

export function withCreatePrompt(policy: ReturnType<typeof interactionPolicy.base>, scope: RealmScope) {
  if (scope.settings.signUp !== 'enabled') return policy;
  const check = new interactionPolicy.Check('create_requested', 'account creation was requested (prompt=create)', (ctx) =>
    ctx.oidc.prompts.has(CREATE_PROMPT) && !ctx.oidc.result?.login ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT);
  const prompt = new interactionPolicy.Prompt({ name: CREATE_PROMPT, requestable: true }, check);
  // A requestable prompt gets oidc-provider's own "create_prompt" check, resolved only by a result
  // named "create"; the sign-in forms finish with a login result, which is what resolves this one.
  prompt.checks.remove(`${CREATE_PROMPT}_prompt`);
  policy.add(prompt, 0);
  return policy;
}
