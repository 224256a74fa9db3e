// /api/v1/realms/{realm}/users: create, read, search, change, delete, set a password, sign out
// everywhere, send a set-password mail. Registered on the API router itself (not a sub-router),
// so its 405/Allow table (api.routes.ts) sees these paths too. Every route reaches the user
// through the realm the key may manage: a user of another realm is 404, like one that never was.
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { canSendMail, type Config } from '../config/config.js';
import { ProblemError, problems } from '../http/problem.js';
import { parseOrThrow } from '../http/validate.js';
import type { Actor } from '../modules/audit/actor.js';
import { listUsersQuery, type UserView } from '../modules/users/users.service.js';
import type { RealmServices } from '../services.js';
import { mfaFactorsRoutes } from './mfa-factors.routes.js';
import { needs } from './require-scope.js';

/** Routes without a body take none: an empty or absent body, or `{}`. */
const noBody = z.object({}).strict();

/**
 * The verification mail for a changed address. The change is already committed: a 429 from the
 * mail limits (too many mails from this caller or realm) must not turn it into an error that a
 * client would retry, so the answer stays 200 and the mail can be asked for again later
 * (POST /users/{id}/email-verifications).
 */
async function sendVerification(realm: RealmServices, user: UserView, meta: Actor) {
  try {
    await realm.emailVerification.send(user, meta);
  } catch (err) {
    if (!(err instanceof ProblemError && err.status === 429)) throw err;
  }
}

export interface UsersRouteDeps {
  config: Readonly<Config>;
  actor(req: Request, res: Response): Actor;
  realmServices(req: Request, res: Response): Promise<RealmServices>;
}

export function usersRoutes(router: Router, { config, actor, realmServices }: UsersRouteDeps): void {
  const base = '/realms/:realm/users';
  const id = (req: Request) => String(req.params.id);
  const location = (req: Request, userId: string) => `/api/v1/realms/${String(req.params.realm)}/users/${userId}`;

  router.get(base, needs('users:read'), async (req, res) => {
    const q = parseOrThrow(listUsersQuery, req.query);
    // One row more than asked for tells whether a next page exists, so the last page has no cursor.
    const users = await (await realmServices(req, res)).users.list(q.limit + 1, q.cursor, { email: q.email, q: q.q });
    const data = users.slice(0, q.limit);
    res.json({ data, ...(users.length > q.limit ? { nextCursor: data.at(-1)?.id } : {}) });
  });
  router.post(base, needs('users:write'), async (req, res) => {
    const user = await (await realmServices(req, res)).users.create(req.body, actor(req, res));
    res.status(201).location(location(req, user.id)).json(user);
  });

  router.get(`${base}/:id`, needs('users:read'), async (req, res) => {
    const user = await (await realmServices(req, res)).users.get(id(req));
    if (!user) throw problems.notFound('user');
    res.json(user);
  });
  router.patch(`${base}/:id`, needs('users:write'), async (req, res) => {
    const realm = await realmServices(req, res);
    const result = await realm.userAdmin.update(id(req), req.body, actor(req, res));
    if (!result) throw problems.notFound('user');
    if (result.emailChanged && !result.user.emailVerified) await sendVerification(realm, result.user, actor(req, res));
    res.json(result.user);
  });
  router.delete(`${base}/:id`, needs('users:write'), async (req, res) => {
    if (!(await (await realmServices(req, res)).userAdmin.remove(id(req), actor(req, res)))) throw problems.notFound('user');
    res.status(204).end();
  });

  router.post(`${base}/:id/password`, needs('users:write'), async (req, res) => {
    if (!(await (await realmServices(req, res)).userAdmin.setPassword(id(req), req.body, actor(req, res)))) throw problems.notFound('user');
    res.status(204).end();
  });
  router.post(`${base}/:id/sessions/revoke`, needs('users:write'), async (req, res) => {
    const realm = await realmServices(req, res);
    parseOrThrow(noBody, req.body ?? {});
    if (!(await realm.userAdmin.revokeSessions(id(req), actor(req, res)))) throw problems.notFound('user');
    res.status(204).end();
  });
  router.post(`${base}/:id/password-setup`, needs('users:write'), async (req, res) => {
    const realm = await realmServices(req, res);
    parseOrThrow(noBody, req.body ?? {});
    const user = await realm.userAdmin.passwordSetupTarget(id(req));
    if (!user) throw problems.notFound('user');
    if (!canSendMail(config)) throw problems.conflict('mail_not_configured', 'A set-password mail needs mail: set SMTP_URL (and MAIL_FROM) first.');
    await realm.passwordSetup.send(user, actor(req, res));
    res.status(202).end();
  });
  mfaFactorsRoutes(router, { actor, realmServices });
}
