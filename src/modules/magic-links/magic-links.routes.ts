// Magic-link pages. Inside a sign-in: /interaction/:uid/email-link asks for the address ("check
// your mail" always). From the mail: /realms/:realm/magic-link?token= never signs in on GET
// (mail scanners and link previews fetch links): it shows a button, and the POST uses the link.
// - interaction target: the page is served under the interaction's own path
//   (/interaction/:uid/magic-link), where this browser's interaction and CSRF cookies are sent;
//   a browser without that interaction is told to open the link where it asked for it.
// - app target (direct API): the POST swaps the link for an exchange code and redirects (303)
//   to the app's registered redirect URI with code (and state).
import { Router, type NextFunction, type Request, type Response } from 'express';
import { isSignInStep } from '../../oidc/interactions/create-prompt.js';
import type { Details, WithDetails } from '../../oidc/interactions/interaction.routes.js';
import { isUnavailable } from '../../http/unavailable.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { isEmailAddress } from '../users/email-address.js';
import { parseTarget } from './magic-links.service.js';
import { anonymous, emailFormPage, field, form, interactionUrl, limitedPage, linkInvalid, message, realmServices, realmUrl, tokenOf, type AccountPagesDeps } from '../account-mail/page-kit.js';

const AGAIN = 'Go back to the application and sign in again to get a new link.';

/**
 * RFC 8176 §2 has no value for an emailed link; a single-use secret sent out of band is closest
 * to "otp" (one-time password), so that is what the ID token's amr says.
 */
const MAGIC_LINK_AMR = ['otp'];

export function mountMagicLinkInteraction(router: Router, withDetails: WithDetails, deps: AccountPagesDeps) {
  const { views, csrf, services } = deps;
  const enabled = (res: Response) => realmOf(res).scope.settings.magicLink === 'enabled';
  const notOffered = (res: Response) => message(views, res, 'Sign-in links are not available', 'This service does not send sign-in links.', undefined, 404);
  const show = emailFormPage(deps, {
    page: 'email-link',
    title: 'Email me a sign-in link',
    intro: 'Enter the email address of your account. We will mail you a link that signs you in here, in this browser.',
    button: 'Send sign-in link',
  });

  router.get('/:uid/email-link', withDetails(async (req, res, details) => (enabled(res) ? show(req, res, details.uid) : notOffered(res)), 'login'));
  router.post('/:uid/email-link', form, csrf.protect, withDetails(async (req, res, details) => {
    if (!enabled(res)) return notOffered(res);
    const email = field(req.body, 'email').trim().toLowerCase();
    if (!isEmailAddress(email)) return show(req, res, details.uid, field(req.body, 'email'), 'Enter a valid email address.', 400);
    try {
      await realmServices(services, res).magicLinks.request({ email, target: { kind: 'interaction', uid: details.uid } }, anonymous(req));
    } catch (err) {
      if (limitedPage(views, res, err, interactionUrl(req, details.uid))) return;
      throw err;
    }
    message(views, res, 'Check your mail', [`If ${email} has an account here, we sent it a sign-in link. Open it in this browser within 15 minutes.`], { href: interactionUrl(req, details.uid), text: 'Back to sign in' });
  }, 'login'));

  /** This browser's interaction, or null (no interaction cookie, another one, or expired). */
  async function interactionOf(req: Request, res: Response): Promise<Details | null> {
    try {
      const details = await realmOf(res).provider.interactionDetails(req, res);
      return details.uid === req.params.uid ? details : null;
    } catch (err) {
      if (isUnavailable(err)) throw err;
      return null;
    }
  }
  const otherBrowser = (res: Response) =>
    message(views, res, 'Open the link in the same browser', ['This sign-in link belongs to a sign-in started in another browser, or one that has ended.', 'Open the link in the browser where you asked for it, or start again from the application.'], undefined, 400);

  /** The live link's record when it belongs to interaction `uid`, else null. */
  async function linkFor(res: Response, token: string, uid: string) {
    const found = await deps.services.userTokens.peek(realmOf(res).scope, 'magic_link', token);
    const target = found && parseTarget((found.data as { target?: unknown } | null)?.target);
    return target?.kind === 'interaction' && target.uid === uid ? found : null;
  }

  const guarded = (handler: (req: Request, res: Response, details: Details) => Promise<void>) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const details = await interactionOf(req, res);
      if (!details) return otherBrowser(res);
      if (!isSignInStep(details.prompt.name)) return res.redirect(303, interactionUrl(req, details.uid));
      await handler(req, res, details);
    } catch (err) {
      next(err);
    }
  };

  router.get('/:uid/magic-link', guarded(async (req, res, details) => {
    const token = tokenOf(req);
    if (!(await linkFor(res, token, details.uid))) return linkInvalid(views, res, AGAIN);
    views.send(res, 'account-confirm', { title: 'Sign in', message: 'Continue to sign in with the link we mailed you.', action: interactionUrl(req, details.uid, 'magic-link'), csrfToken: csrf.token(req, res), token, buttonLabel: 'Sign in' });
  }));
  router.post('/:uid/magic-link', form, csrf.protect, guarded(async (req, res, details) => {
    const token = tokenOf(req);
    if (!(await linkFor(res, token, details.uid))) return linkInvalid(views, res, AGAIN);
    const used = await realmServices(services, res).magicLinks.consume(token, anonymous(req));
    if (!used) return linkInvalid(views, res, AGAIN);
    csrf.clear(req, res);
    await realmOf(res).provider.interactionFinished(req, res, { login: { accountId: used.user.id, amr: MAGIC_LINK_AMR, remember: true } }, { mergeWithLastSubmission: false });
  }));
}

/** /realms/:realm/magic-link: the mailed link itself. */
export function magicLinkLandingRoutes(deps: AccountPagesDeps): Router {
  const { views, accountCsrf, services } = deps;
  const router = Router({ mergeParams: true });
  const targetOf = async (res: Response, token: string) => {
    const found = await services.userTokens.peek(realmOf(res).scope, 'magic_link', token);
    return found ? parseTarget((found.data as { target?: unknown } | null)?.target) : null;
  };

  router.get('/magic-link', async (req, res) => {
    const token = tokenOf(req);
    const target = await targetOf(res, token);
    if (!target) return linkInvalid(views, res, AGAIN);
    // The interaction's cookies are scoped to its path: the confirm page is served there.
    if (target.kind === 'interaction') return res.redirect(303, `${realmUrl(req, `interaction/${encodeURIComponent(target.uid)}/magic-link`)}?token=${encodeURIComponent(token)}`);
    views.send(res, 'account-confirm', { title: 'Sign in', message: 'Continue to sign in with the link we mailed you.', action: realmUrl(req, 'magic-link'), csrfToken: accountCsrf.token(req, res), token, buttonLabel: 'Sign in' });
  });
  router.post('/magic-link', form, accountCsrf.protect, async (req, res) => {
    const token = tokenOf(req);
    const target = await targetOf(res, token);
    if (!target) return linkInvalid(views, res, AGAIN);
    if (target.kind === 'interaction') return res.redirect(303, `${realmUrl(req, `interaction/${encodeURIComponent(target.uid)}/magic-link`)}?token=${encodeURIComponent(token)}`);
    const account = realmServices(services, res);
    const used = await account.magicLinks.consume(token, anonymous(req));
    if (!used || used.target.kind !== 'app') return linkInvalid(views, res, AGAIN);
    accountCsrf.clear(req, res);
    res.redirect(303, await account.magicLinks.redirectForApp(used.user, used.target));
  });
  return router;
}
