// The second factor as a step of the sign-in: an `mfa` prompt in oidc-provider's interaction
// policy, after login (and verify_email), before consent. It is asked when the session's amr
// has no 'mfa' (RFC 8176 §2) and either the app's policy (App.mfa, else the realm's
// settings.mfa) is `required`, or it is `optional` and the user enrolled a factor, or the client
// asks for it with acr_values (step-up). max_age needs no code here: the login prompt asks for
// the password again, which resets the session's amr to ['pwd'], so this prompt follows.
// With prompt=none the client gets `interaction_required` (OpenID Connect Core §3.1.2.6).
// A browser the user asked to remember (src/modules/mfa/remember-browser.ts) is not asked for a
// code, except on step-up (see rememberedSkip).
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { MfaMethod } from '../../modules/mfa/mfa-methods.js';
import { REMEMBER_COOKIE, type RememberBrowser } from '../../modules/mfa/remember-browser.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import type { MfaPolicy } from '../../realms/realm-settings.js';

export const MFA_PROMPT = 'mfa';

/**
 * The acr value for "a second factor was used", from OpenID Provider Authentication Policy
 * Extension 1.0 §4.1 (PAPE "multi-factor"): the value Auth0 and others use for MFA step-up,
 * so clients written for them work unchanged. Listed in discovery's acr_values_supported.
 */
export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/** Whether the request asks for MFA by acr_values (space-separated, OpenID Connect Core §3.1.2.1). */
export const asksForMfa = (acrValues: unknown) => typeof acrValues === 'string' && acrValues.split(' ').includes(MFA_ACR);

export interface MfaPromptDeps {
  scope: RealmScope;
  methods: MfaMethod[];
  /** The app's own policy (null: the realm's). */
  appPolicy: (clientId: string) => MfaPolicy | null | undefined;
  /** "Remember this browser" (absent: never remembered, as for the direct API). */
  remember?: RememberBrowser;
}

export interface SignInState {
  accountId?: string;
  /** The session's amr so far. */
  amr?: string[];
  clientId?: string;
  acrValues?: unknown;
  /** The request asks for a fresh authentication: max_age or prompt=login (oidc-provider turns max_age=0 into the latter). */
  fresh?: boolean;
}

/** What the sign-in needs now: nothing, a code of an enrolled method, or enrollment. */
export async function mfaNeed(deps: MfaPromptDeps, state: SignInState): Promise<'none' | 'verify' | 'enroll'> {
  const { accountId } = state;
  if (!accountId || state.amr?.includes('mfa')) return 'none';
  const policy = (state.clientId && deps.appPolicy(state.clientId)) || deps.scope.settings.mfa;
  const stepUp = asksForMfa(state.acrValues);
  if (policy === 'off' && !stepUp) return 'none';
  const enrolled = await anyEnrolled(deps, accountId);
  if (enrolled) return 'verify';
  return policy === 'required' || stepUp ? 'enroll' : 'none';
}

export async function anyEnrolled(deps: Pick<MfaPromptDeps, 'scope' | 'methods'>, userId: string) {
  for (const m of deps.methods) if (await m.isEnrolled(deps.scope, userId)) return true;
  return false;
}

const fromContext = (ctx: KoaContextWithOIDC): SignInState => ({
  accountId: ctx.oidc.session?.accountId,
  amr: ctx.oidc.session?.amr,
  clientId: ctx.oidc.client?.clientId,
  acrValues: ctx.oidc.params?.acr_values,
  fresh: ctx.oidc.params?.max_age !== undefined || Boolean(ctx.oidc.prompts?.has('login')),
});

/**
 * Whether a remembered browser lets this sign-in skip the code. Never on step-up: a client asking
 * for the MFA acr by acr_values wants a second factor presented now (OpenID Connect Core
 * §3.1.2.1, acr_values; PAPE 1.0 §4.1), and a remembered browser is not one; nor with max_age or
 * prompt=login, by which a client asks for a fresh authentication (Core §3.1.2.1), here both factors. Skipping adds no
 * 'mfa' to the session's amr and no MFA acr (RFC 8176 §2: amr lists the methods used in this
 * authentication), so the ID token does not claim a second factor that was not used.
 */
async function rememberedSkip(deps: MfaPromptDeps, state: SignInState, cookie: string | undefined) {
  if (!deps.remember || !state.accountId || asksForMfa(state.acrValues) || state.fresh) return false;
  return deps.remember.remembers(deps.scope, state.accountId, cookie);
}

/** Adds the mfa prompt before consent. */
export function withMfaPrompt(policy: ReturnType<typeof interactionPolicy.base>, deps: MfaPromptDeps) {
  const check = new interactionPolicy.Check('mfa_required', 'The End-User must use a second factor', 'interaction_required', async (ctx) => {
    const state = fromContext(ctx);
    const need = await mfaNeed(deps, state);
    // Signed by remember-browser.ts, not by Koa's keys: read it raw.
    if (need === 'none' || (need === 'verify' && (await rememberedSkip(deps, state, ctx.cookies.get(REMEMBER_COOKIE, { signed: false }))))) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    return interactionPolicy.Check.REQUEST_PROMPT;
  });
  policy.add(new interactionPolicy.Prompt({ name: MFA_PROMPT, requestable: false }, check), policy.findIndex((p) => p.name === 'consent'));
  return policy;
}
