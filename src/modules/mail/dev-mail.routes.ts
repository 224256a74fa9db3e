// /dev/mail: the development outbox (dev-outbox.ts), mounted only outside production without
// SMTP_URL (src/app.ts). A list of the outbox, newest first, and each delivered message with its
// text body (links clickable) and its HTML body in a sandboxed frame.
//
// Those mails hold working sign-in and reset links, so even in development the pages answer only
// requests made from this machine (the socket's address, never X-Forwarded-For): a server left
// in development mode on a public address does not hand out its users' magic links. Anything
// else gets the ordinary 404, as if the route did not exist.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { isIP } from 'node:net';
import type { Config } from '../../config/config.js';
import type { PrismaClient } from '../../db/types.js';
import { PAGE_HEADERS, type Views } from '../../http/views.js';
import { readDevMail } from './dev-outbox.js';
import { createMailQueueRepo } from './mail-queue.repo.js';

const LIST_SIZE = 100;
const URL_IN_TEXT = /(https?:\/\/[^\s<>"')]+)/;

const isLoopback = (address: string | undefined) => {
  const a = (address ?? '').replace(/^::ffff:/, '');
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
};

/** The page around the frame may frame only this origin; the body's own CSP forbids everything but inline styles. */
const MESSAGE_PAGE_HEADERS = { ...PAGE_HEADERS, 'Content-Security-Policy': `${PAGE_HEADERS['Content-Security-Policy']}; frame-src 'self'` };
const BODY_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  // `sandbox` makes the body an opaque origin with no script even when opened on its own;
  // popups are allowed so its links open in a new tab (the <base target> below).
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox",
};

/** The text body as segments, URLs marked, for the template to escape and link. */
export const linkify = (text: string) => text.split(URL_IN_TEXT).map((part, i) => (i % 2 ? { href: part } : { text: part }));

export function devMailRoutes(deps: { config: Readonly<Pick<Config, 'dataDir'>>; prisma: PrismaClient; views: Views }): Router {
  const { config, views } = deps;
  const queue = createMailQueueRepo(deps.prisma);
  const router = Router();

  router.use((req: Request, _res: Response, next: NextFunction) => (isLoopback(req.socket.remoteAddress) ? next() : next('router')));

  router.get('/', async (req, res) => {
    const rows = await queue.listRecent(LIST_SIZE);
    const messages = await Promise.all(rows.map(async (r) => ({ ...r, subject: (await readDevMail(config.dataDir, r.id))?.subject })));
    res.status(200).set(PAGE_HEADERS).send(views.render('dev-mail', { messages }));
  });

  router.get('/:id', async (req, res, next) => {
    const mail = await readDevMail(config.dataDir, req.params.id);
    const row = mail ? await queue.findById(mail.id) : undefined;
    if (!mail || !row) return next('router');
    res.status(200).set(MESSAGE_PAGE_HEADERS).send(views.render('dev-mail-message', { mail, row, segments: linkify(mail.text) }));
  });

  router.get('/:id/html', async (req, res, next) => {
    const mail = await readDevMail(config.dataDir, req.params.id);
    if (!mail) return next('router');
    res.status(200).set(BODY_HEADERS).send(mail.html.replace(/<head>/i, '<head><base target="_blank">'));
  });

  return router;
}
