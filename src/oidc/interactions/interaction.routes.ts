// Hosted sign-in pages for one realm's interactions (mounted at /realms/:realm/interaction).
// GET shows the page the provider's prompt asks for; POSTs finish the prompt and hand control
// back to oidc-provider, which continues the authorization request. Works without JavaScript.
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type Provider from 'oidc-provider';
import type { Csrf } from '../../http/csrf.js';
import type { Views } from '../../http/views.js';
import { isUnavailable } from '../../http/unavailable.js';
import type { LoginThrottle } from '../../modules/auth/login-throttle.js';
import type { PasswordHasher } from '../../security/passwords.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { createLoginHandler } from './login.js';
import { createConsentHandler } from './consent.js';
import { CREATE_PROMPT, isSignInStep } from './create-prompt.js';

export interface InteractionDeps {
  views: Views;
  csrf: Csrf;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  /** Whether mail can be sent (the login page's "Forgot password?"). */
  mailAvailable?: boolean;
  /** The account pages inside a sign-in (src/modules/account-mail/account-pages.ts): mounts their routes, returns the page of each extra prompt. */
  extend?: (router: Router, withDetails: WithDetails) => Record<string, InteractionHandler>;
}

export type InteractionHandler = (req: Request, res: Response, details: Details) => Promise<void>;
export type WithDetails = (handler: InteractionHandler, step?: string) => RequestHandler;

export type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Renders a hosted page inside the shared layout. */
export function renderPage(views: Views, res: Response, name: string, data: Record<string, unknown>, status = 200) {
  views.send(res, name, data, status);
}

export function interactionRoutes(deps: InteractionDeps): Router {
  const router = Router({ mergeParams: true });
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const login = createLoginHandler(deps);
  const consent = createConsentHandler(deps);

  const current = (req: Request, uid: string) => `${req.baseUrl}/${encodeURIComponent(uid)}`;

  // A stale, finished or foreign interaction (wrong cookie) is a friendly page, not a 500.
  // `step`: the prompt a form belongs to. A form posted for another step (a stale tab, the back
  // button) is not acted on: the browser is sent to the page of the step the sign-in is at.
  const withDetails: WithDetails = (handler, step) => async (req: Request, res: Response, next: NextFunction) => {
    const { provider } = realmOf(res);
    let details: Details;
    try {
      details = await provider.interactionDetails(req, res);
      if (details.uid !== req.params.uid) throw new Error('interaction mismatch');
    } catch (err) {
      // Redis away is not an expired sign-in: the error handler answers 503 with Retry-After.
      if (isUnavailable(err)) return next(err);
      renderPage(deps.views, res, 'error', { title: 'This sign-in has expired', message: 'Go back to the application and start signing in again.', code: 'interaction_expired', requestId: req.id }, 400);
      return;
    }
    if (step && details.prompt.name !== step && !(step === 'login' && isSignInStep(details.prompt.name))) return res.redirect(303, current(req, details.uid));
    try {
      await handler(req, res, details);
    } catch (err) {
      next(err);
    }
  };

  const prompts = deps.extend?.(router, withDetails) ?? {};
  router.get('/:uid', withDetails(async (req, res, details) => {
    const extra = prompts[details.prompt.name];
    if (extra) return extra(req, res, details);
    // prompt=create: the sign-up form first; its "I already have an account" link adds ?signin.
    if (details.prompt.name === CREATE_PROMPT && req.query.signin === undefined) return res.redirect(303, `${current(req, details.uid)}/sign-up`);
    if (isSignInStep(details.prompt.name)) return login.show(req, res, details);
    if (details.prompt.name === 'consent') return consent.show(req, res, details);
    renderPage(deps.views, res, 'error', { title: 'Unsupported step', message: 'This sign-in step is not supported.', code: details.prompt.name, requestId: req.id }, 400);
  }));
  router.post('/:uid/login', form, deps.csrf.protect, withDetails(login.submit, 'login'));
  router.post('/:uid/consent', form, deps.csrf.protect, withDetails(consent.submit, 'consent'));
  router.post('/:uid/abort', form, deps.csrf.protect, withDetails(async (req, res) => {
    const { provider } = realmOf(res);
    // OpenID Connect Core §3.1.2.6: the user declined, the client gets access_denied.
    deps.csrf.clear(req, res);
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
  }));
  // The form URLs only take POSTs; a browser landing on one (Enter in the address bar) is sent
  // to the page of its sign-in.
  router.get(['/:uid/login', '/:uid/consent', '/:uid/abort'], (req, res) => res.redirect(303, current(req, String(req.params.uid))));
  return router;
}
