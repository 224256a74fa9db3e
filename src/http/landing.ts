// GET /: what this server is and where to go next, for someone who just ran `npm start`.
// Only the demo realm is named: listing every realm would tell anyone which tenants exist.
import type { Request, Response } from 'express';
import type { Config } from '../config/config.js';
import type { Views } from './views.js';

/** `firstRun`: true while no developer account exists (the console offers to create one). */
export function landingPage(config: Readonly<Config>, views: Views, demo?: { realm: string; email: string; password: string }, firstRun: () => Promise<boolean> = async () => false) {
  const data = {
    baseUrl: config.baseUrl,
    apiBase: `${config.baseUrl}/api/v1`,
    demo: demo && { ...demo, discovery: `/realms/${demo.realm}/.well-known/openid-configuration` },
    // Where mail goes on a first run (no SMTP_URL): the development outbox.
    devMail: config.mail.devOutbox,
  };
  return async (_req: Request, res: Response) => views.send(res, 'landing', { ...data, firstRun: await firstRun() });
}
