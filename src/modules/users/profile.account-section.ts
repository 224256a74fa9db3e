// The account page's profile: the name (any time) and the email address (a sensitive change:
// recent sign-in, then a link to the new address, email-change.service.ts). The mailed link
// opens a public page (the link may be read on another device): GET shows a button, since mail
// scanners fetch links and a GET must change nothing; its POST makes the change.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { canSendMail } from '../../config/config.js';
import { text } from '../../http/validate.js';
import { realmOf } from '../../realms/realm-resolver.js';
import { accountOf, type AccountSection } from '../account/account-section.js';
import type { AccountDeps } from '../account/account.routes.js';
import { MailLimitedError } from '../account-mail/account-mail.js';
import { field, tokenOf } from '../account-mail/page-kit.js';
import { actorFromRequest } from '../audit/actor.js';
import { createEmailChangeService } from './email-change.service.js';

const nameForm = z.object({ name: text().trim().max(200) });

export function profileSection(deps: AccountDeps): AccountSection {
  const { views, services, config } = deps;
  const mailAvailable = canSendMail(config);
  const emailChange = (res: Response) =>
    createEmailChangeService({ scope: realmOf(res).scope, baseUrl: config.baseUrl, mailOutbox: services.mailOutbox, mailLimits: services.mailLimits, userTokens: services.userTokens });
  const userOf = (res: Response) => res.locals.accountUser as { id: string; email: string; name: string | null; emailVerified: boolean };

  const render = (_req: Request, res: Response, extra: { error?: string; invalid?: string } = {}) => {
    const ctx = accountOf(res);
    return views.render('account/profile', { ...ctx, user: userOf(res), mailAvailable, ...extra });
  };

  return {
    id: 'profile',
    title: 'Profile',
    render: async (req, res) => render(req, res),
    routes(router, kit) {
      router.post('/name', kit.form, kit.csrf, async (req, res) => {
        const parsed = nameForm.safeParse({ name: field(req.body, 'name') });
        if (!parsed.success) return kit.page(req, res, 'account/section-page', { title: 'Profile', html: render(req, res, { error: 'Use at most 200 characters, without control characters.', invalid: 'name' }) }, 400);
        const { scope } = realmOf(res);
        const user = userOf(res);
        await scope.inTransaction(async (tx) => {
          await tx.users.update(user.id, { name: parsed.data.name || null });
          await tx.audit.append({ ...actorFromRequest(req, `user:${user.id}`), action: 'user.profile_updated', target: `user:${user.id}`, data: { fields: ['name'] } });
        });
        kit.done(req, res, 'Your name was saved.');
      });

      router.post('/email', kit.form, kit.csrf, kit.recent, async (req, res) => {
        const fail = (error: string, status = 400) => kit.page(req, res, 'account/section-page', { title: 'Profile', html: render(req, res, { error, invalid: 'email' }) }, status);
        if (!mailAvailable) return fail('This server cannot send mail, so the email address cannot be changed here. Ask the people who run it.', 409);
        const user = userOf(res);
        try {
          const result = await emailChange(res).request(user, field(req.body, 'email'), actorFromRequest(req, `user:${user.id}`));
          if (!result.ok) return fail(result.reason === 'same' ? 'This is already your email address.' : 'Enter an email address like name@example.com.');
        } catch (err) {
          if (!(err instanceof MailLimitedError)) throw err;
          res.setHeader('Retry-After', String(err.retryAfterSeconds));
          return fail(`Too many mails were asked for. Try again in ${Math.ceil(err.retryAfterSeconds / 60)} minute(s).`, 429);
        }
        kit.done(req, res, `We sent a link to ${field(req.body, 'email').trim().toLowerCase()}. Your address changes when you open it.`);
      });
    },
    publicRoutes(router, kit) {
      const invalid = (res: Response) => kit.send(res, 'account-message', { title: 'This link is no longer valid', message: ['The link has expired, was already used, or your address changed since it was sent.', 'Ask for a new one from your account page.'] }, 400);
      router.get('/email-change', async (req, res) => {
        const email = await emailChange(res).peek(tokenOf(req));
        if (!email) return invalid(res);
        kit.send(res, 'account/email-change', { title: 'Confirm your new email address', email, token: tokenOf(req), action: req.originalUrl.split('?')[0], csrfToken: kit.csrfToken(req, res) });
      });
      router.post('/email-change', kit.form, kit.csrf, async (req, res) => {
        const { ip, userAgent, requestId } = actorFromRequest(req, 'anonymous');
        const result = await emailChange(res).confirm(tokenOf(req), { ip, userAgent, requestId });
        if (!result.ok && result.reason === 'taken') return kit.send(res, 'account-message', { title: 'This address is in use', message: ['Another account uses this address now, so yours was not changed.'] }, 409);
        if (!result.ok) return invalid(res);
        const again = `/realms/${encodeURIComponent(realmOf(res).scope.realm.name)}/account`;
        kit.send(res, 'account-message', { title: 'Your email address was changed', message: [`Your account now uses ${result.email}. We told your old address.`], link: { href: again, text: 'Open your account page' } });
      });
    },
  };
}
