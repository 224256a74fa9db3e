// "Sign in with a passkey" and passkey autofill on the login page (first factor, usernameless):
// the page script asks for options (a challenge bound to this interaction, user verification
// required), the browser lets the user pick a discoverable credential, the script posts the
// assertion. A passkey with user verification is two factors in one (possession + the user's
// PIN or biometric: NIST SP 800-63B §5.1.8), so the login ends with amr hwk|swk, user and mfa
// (RFC 8176 §2) and the MFA acr: the mfa prompt does not ask again.
import type { Router } from 'express';
import type { WithDetails } from '../../oidc/interactions/interaction.routes.js';
import { MFA_ACR } from '../../oidc/interactions/mfa-prompt.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { actorFromRequest } from '../audit/actor.js';
import type { AccountPagesDeps } from '../account-mail/page-kit.js';
import { answer, credentialOf, interactionHolder, json, refuse } from './passkey-http.js';

export function mountPasskeySignIn(router: Router, withDetails: WithDetails, { csrf, services }: Pick<AccountPagesDeps, 'csrf' | 'services'>) {
  const { passkeys } = services;

  router.post('/:uid/passkey/options', json, csrf.protect, withDetails(async (_req, res, details) => {
    answer(res, await passkeys.authenticationOptions(realmOf(res).scope, 'login', interactionHolder(details.uid)));
  }, 'login'));

  router.post('/:uid/passkey/login', json, csrf.protect, withDetails(async (req, res, details) => {
    const { scope, provider } = realmOf(res);
    const result = await passkeys.verifyAuthentication(scope, 'login', interactionHolder(details.uid), credentialOf(req), actorFromRequest(req, 'anonymous'));
    if (!result.ok) {
      await scope.audit.append({ ...actorFromRequest(req, 'anonymous'), action: 'login.failure', target: null, data: { method: 'passkey', reason: result.code } });
      return refuse(req, res, result);
    }
    const { user, passkey, amr } = result;
    await scope.audit.append({ ...actorFromRequest(req, `user:${user.id}`), action: 'login.success', target: `user:${user.id}`, data: { method: 'passkey', passkeyId: passkey.id, clientId: String(details.params.client_id) } });
    csrf.clear(req, res);
    // User verification is required for this ceremony, so amr has 'user': the passkey was both factors.
    const both = amr.includes('user');
    const login = { accountId: user.id, amr: both ? [...amr, 'mfa'] : amr, ...(both ? { acr: MFA_ACR } : {}), remember: true };
    answer(res, { redirect: await provider.interactionResult(req, res, { login }, { mergeWithLastSubmission: false }) });
  }, 'login'));
}
