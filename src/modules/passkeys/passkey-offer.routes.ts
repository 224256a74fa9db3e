// The passkey offer's page (passkey-offer.prompt.ts decides when it is asked): "Add a passkey"
// (script: register, then the sign-in goes on), "Not now" and "Don't ask again" (plain forms,
// so they work without JavaScript; the latter is remembered per user and audited).
import type { Request, Response, Router } from 'express';
import type { Details, InteractionHandler, WithDetails } from '../../oidc/interactions/interaction.routes.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { actorFromRequest } from '../audit/actor.js';
import { field, form, interactionUrl, type AccountPagesDeps } from '../account-mail/page-kit.js';
import { answer, credentialOf, interactionHolder, json, PASSKEY_SCRIPTS, refuse } from './passkey-http.js';
import { PASSKEY_OFFER_PROMPT, type OfferResult } from './passkey-offer.prompt.js';

export function mountPasskeyOffer(router: Router, withDetails: WithDetails, { views, csrf, services }: Pick<AccountPagesDeps, 'views' | 'csrf' | 'services'>): InteractionHandler {
  const { passkeys } = services;
  const base = (req: Request, details: Details, page?: string) => interactionUrl(req, details.uid, page ? `passkey-offer/${page}` : 'passkey-offer');

  async function userOf(res: Response, details: Details) {
    const user = details.session?.accountId ? await realmOf(res).scope.users.findById(details.session.accountId) : null;
    if (!user) throw new Error('passkey offer without a signed-in account');
    return user;
  }

  /** Ends the prompt; the sign-in goes on to consent or back to the app. */
  const done = (req: Request, res: Response) => {
    csrf.clear(req, res);
    return realmOf(res).provider.interactionResult(req, res, { [PASSKEY_OFFER_PROMPT]: { capable: true, done: true } satisfies OfferResult }, { mergeWithLastSubmission: true });
  };

  router.post('/:uid/passkey-offer/options', json, csrf.protect, withDetails(async (req, res, details) => {
    const user = await userOf(res, details);
    const result = await passkeys.registrationOptions(realmOf(res).scope, user, interactionHolder(details.uid));
    if (!result.ok) return refuse(req, res, result);
    answer(res, result.options);
  }, PASSKEY_OFFER_PROMPT));

  router.post('/:uid/passkey-offer/register', json, csrf.protect, withDetails(async (req, res, details) => {
    const user = await userOf(res, details);
    const result = await passkeys.verifyRegistration(realmOf(res).scope, user.id, interactionHolder(details.uid), credentialOf(req), field(req.body, 'name'), actorFromRequest(req, `user:${user.id}`));
    if (!result.ok) return refuse(req, res, result);
    answer(res, { redirect: await done(req, res) });
  }, PASSKEY_OFFER_PROMPT));

  router.post('/:uid/passkey-offer/skip', form, csrf.protect, withDetails(async (req, res) => {
    res.redirect(303, await done(req, res));
  }, PASSKEY_OFFER_PROMPT));

  router.post('/:uid/passkey-offer/dismiss', form, csrf.protect, withDetails(async (req, res, details) => {
    const user = await userOf(res, details);
    const { scope } = realmOf(res);
    await scope.passkeys.dismissOffer(user.id);
    await scope.audit.append({ ...actorFromRequest(req, `user:${user.id}`), action: 'passkey.offer_dismissed', target: `user:${user.id}` });
    res.redirect(303, await done(req, res));
  }, PASSKEY_OFFER_PROMPT));

  router.get(['/:uid/passkey-offer/skip', '/:uid/passkey-offer/dismiss'], (req, res) => res.redirect(303, interactionUrl(req, String(req.params.uid))));

  return async (req, res, details) => {
    const user = await userOf(res, details);
    views.send(res, 'passkey-offer', {
      email: user.email,
      optionsUrl: base(req, details, 'options'),
      registerUrl: base(req, details, 'register'),
      skipAction: base(req, details, 'skip'),
      dismissAction: base(req, details, 'dismiss'),
      csrfToken: csrf.token(req, res),
    }, 200, { scripts: [PASSKEY_SCRIPTS.register] });
  };
}
