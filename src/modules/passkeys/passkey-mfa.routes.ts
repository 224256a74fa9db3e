// A passkey as the second factor on the mfa prompt's page ("Use a passkey"): options list only
// the signed-in user's passkeys, user verification preferred (the password was the first
// factor); the assertion must come from one of them. A refused assertion is audited as an mfa
// failure but not counted as a wrong code: a signature cannot be guessed, so there is nothing
// to slow down. The mfa prompt (src/modules/mfa/mfa.routes.ts) gives `finish`, which ends the
// prompt with the passkey's amr (hwk|swk, user when verified) and answers the URL to go on to.
import type { Request, Response, Router } from 'express';
import type { Details, WithDetails } from '../../oidc/interactions/interaction.routes.js';
import { MFA_PROMPT } from '../../oidc/interactions/mfa-prompt.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { actorFromRequest } from '../audit/actor.js';
import type { AccountPagesDeps } from '../account-mail/page-kit.js';
import { answer, credentialOf, interactionHolder, json, refuse } from './passkey-http.js';

export type FinishMfa = (req: Request, res: Response, details: Details, userId: string, amr: string[]) => Promise<string>;

export function mountPasskeyMfa(router: Router, withDetails: WithDetails, { csrf, services }: Pick<AccountPagesDeps, 'csrf' | 'services'>, finish: FinishMfa) {
  const { passkeys } = services;
  const userIdOf = (details: Details) => {
    const id = details.session?.accountId;
    if (!id) throw new Error('mfa prompt without a signed-in account');
    return id;
  };

  router.post('/:uid/mfa/passkey/options', json, csrf.protect, withDetails(async (_req, res, details) => {
    answer(res, await passkeys.authenticationOptions(realmOf(res).scope, 'mfa', interactionHolder(details.uid), userIdOf(details)));
  }, MFA_PROMPT));

  router.post('/:uid/mfa/passkey', json, csrf.protect, withDetails(async (req, res, details) => {
    const { scope } = realmOf(res);
    const userId = userIdOf(details);
    const actor = actorFromRequest(req, `user:${userId}`);
    const result = await passkeys.verifyAuthentication(scope, 'mfa', interactionHolder(details.uid), credentialOf(req), actor);
    if (!result.ok) {
      await scope.audit.append({ ...actor, action: 'mfa.failure', target: `user:${userId}`, data: { method: 'passkey', reason: result.code } });
      return refuse(req, res, result);
    }
    await scope.audit.append({ ...actor, action: 'mfa.success', target: `user:${userId}`, data: { method: 'passkey', passkeyId: result.passkey.id } });
    answer(res, { redirect: await finish(req, res, details, userId, result.amr) });
  }, MFA_PROMPT));
}
