// What the hosted account pages share: their dependencies, the form parser, the realm's account
// services for this request, and the pages every flow can end on.
import express, { type Request, type Response } from 'express';
import type { Config } from '../../config/config.js';
import type { Csrf } from '../../http/csrf.js';
import type { Views } from '../../http/views.js';
import { realmOf } from '../../realms/realm-resolver.js';
import type { Services } from '../../services.js';
import type { Stores } from '../../stores/stores.js';
import { actorFromRequest } from '../audit/actor.js';
import { MailLimitedError } from './account-mail.js';

export interface AccountPagesDeps {
  views: Views;
  /** The interaction's CSRF (forms inside a sign-in). */
  csrf: Csrf;
  /** The realm-path CSRF of pages a mailed link opens (outside any interaction). */
  accountCsrf: Csrf;
  services: Services;
  config: Readonly<Config>;
  stores: Pick<Stores, 'rateLimiter'>;
}

export const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

/** The request's realm services (the realm resolved once by resolveRealm). */
export function realmServices(services: Services, res: Response) {
  const { scope } = realmOf(res);
  return services.forRealm({ ...scope.realm, settings: scope.settings });
}

export const anonymous = (req: Request) => actorFromRequest(req, 'anonymous');

/** A form field as a string ('' when absent or repeated: `a=1&a=2` is not a string). */
export const field = (body: unknown, name: string) => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
};

/** The token of a landing page (query on GET, form field on POST). */
export const tokenOf = (req: Request) => (req.method === 'GET' ? (typeof req.query.token === 'string' ? req.query.token : '') : field(req.body, 'token'));

export function message(views: Views, res: Response, title: string, text: string | string[], link?: { href: string; text: string }, status = 200) {
  views.send(res, 'account-message', { title, message: text, link }, status);
}

/** A used, expired, unknown or other realm's link: the same page for each. */
export const linkInvalid = (views: Views, res: Response, again?: string) =>
  message(views, res, 'This link is no longer valid', ['The link has expired or was already used.', again ?? 'Ask for a new one and use the newest mail.'], undefined, 400);

/** A 429 from the mail limits, as a page; false when `err` is something else (rethrow it). */
export function limitedPage(views: Views, res: Response, err: unknown, back?: string): boolean {
  if (!(err instanceof MailLimitedError)) return false;
  res.setHeader('Retry-After', String(err.retryAfterSeconds));
  message(views, res, 'Too many requests', `Too many mails were asked for. Try again in ${Math.ceil(err.retryAfterSeconds / 60)} minute(s).`, back ? { href: back, text: 'Back' } : undefined, 429);
  return true;
}

/** The hosted page of an interaction (mounted at /realms/:realm/interaction). */
export const interactionUrl = (req: Request, uid: string, page?: string) => `${req.baseUrl}/${encodeURIComponent(uid)}${page ? `/${page}` : ''}`;

/** Landing page paths under /realms/:realm. */
export const realmUrl = (req: Request, path: string) => `/realms/${encodeURIComponent(String(req.params.realm))}/${path}`;

/** The "enter your email" page of an interaction (forgot password, sign-in link); `page` is its path under the interaction. */
export function emailFormPage(deps: Pick<AccountPagesDeps, 'views' | 'csrf'>, text: { page: string; title: string; intro: string; button: string }) {
  return (req: Request, res: Response, uid: string, email = '', error?: string, status = 200) =>
    deps.views.send(res, 'account-email-form', {
      title: text.title,
      intro: text.intro,
      action: interactionUrl(req, uid, text.page),
      backUrl: interactionUrl(req, uid),
      buttonLabel: text.button,
      csrfToken: deps.csrf.token(req, res),
      email,
      error,
    }, status);
}
