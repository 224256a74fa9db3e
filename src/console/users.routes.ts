// Users of a realm in the console: search by email or name, create, and per user: disable or
// enable (disabling signs them out everywhere), send a password reset, revoke sessions, see and
// reset second factors, delete (type the address to confirm). The user-admin, users, MFA and
// password-reset services do the work and write the audit events, with the developer as actor.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { UserView } from '../modules/users/users.service.js';
import { attempt, field, queryParam, type ConsoleKit } from './console-kit.js';
import { ownedOf } from './owned-realm.js';

const PAGE_SIZE = 50;
const isId = (id: string) => z.guid().safeParse(id).success;
const isWholeAddress = (q: string) => z.email().safeParse(q).success;

export function usersArea(kit: ConsoleKit): Router {
  const router = Router({ mergeParams: true });

  const showList = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const { rs, base, realm } = ownedOf(res);
    const q = queryParam(req, 'q', 100);
    const rawCursor = queryParam(req, 'after', 40);
    const cursor = isId(rawCursor) ? rawCursor.toLowerCase() : undefined;
    // A whole address is one lookup on the (realmId, email) index; anything else is a substring
    // search (a scan of the realm's users: ~0.4 s at 100,000 users, bench/console-pages.ts).
    const users = await rs.users.list(PAGE_SIZE + 1, cursor, !q ? {} : isWholeAddress(q) ? { email: q } : { q });
    const page = users.slice(0, PAGE_SIZE);
    const next = users.length > PAGE_SIZE ? `${base}/users?${new URLSearchParams({ ...(q ? { q } : {}), after: page.at(-1)!.id })}` : undefined;
    kit.page(res, 'users', { title: `Users of ${realm.displayName}`, base, realmLabel: realm.displayName, users: page, q, next, errors: [], values: {}, notice: queryParam(req, 'notice'), ...extra }, status);
  };
  const findUser = async (req: Request, res: Response): Promise<UserView | null> => {
    const id = String(req.params.id);
    const user = isId(id) ? await ownedOf(res).rs.users.get(id) : null;
    if (!user) kit.page(res, 'not-found', { title: 'Not found', message: 'This realm has no such user.' }, 404);
    return user;
  };
  const done = (res: Response, user: UserView, notice: string) => res.redirect(303, `${ownedOf(res).base}/users/${user.id}?notice=${encodeURIComponent(notice)}`);

  router.get('/users', (req, res) => showList(req, res));
  router.post('/users', kit.form, kit.csrf, async (req, res) => {
    const values = { email: field(req, 'email'), name: field(req, 'name') };
    const password = String((req.body as Record<string, unknown>).password ?? '');
    const created = await attempt(() => ownedOf(res).rs.users.create({ email: values.email, ...(values.name ? { name: values.name } : {}), ...(password ? { password } : {}) }, kit.actor(req, res)));
    if (!created.ok) return showList(req, res, { errors: created.messages, values }, created.status);
    done(res, created.value, 'User created.');
  });

  router.get('/users/:id', async (req, res) => {
    const user = await findUser(req, res);
    if (!user) return;
    const { rs, base, realm } = ownedOf(res);
    kit.page(res, 'user', { title: user.email, base, realmLabel: realm.displayName, user, factors: await rs.mfa.list(user.id), notice: queryParam(req, 'notice'), errors: [] });
  });

  const action = (path: string, run: (req: Request, res: Response, user: UserView) => Promise<string>) =>
    router.post(`/users/:id/${path}`, kit.form, kit.csrf, async (req, res) => {
      const user = await findUser(req, res);
      if (!user) return;
      done(res, user, await run(req, res, user));
    });

  action('disable', async (req, res, user) => (await ownedOf(res).rs.userAdmin.update(user.id, { disabled: true }, kit.actor(req, res)), 'User disabled and signed out everywhere.'));
  action('enable', async (req, res, user) => (await ownedOf(res).rs.userAdmin.update(user.id, { disabled: false }, kit.actor(req, res)), 'User enabled.'));
  action('password-reset', async (req, res, user) => (await ownedOf(res).rs.passwordReset.request(user.email, kit.actor(req, res)), 'Password reset mail sent (if the user is enabled and mail limits allow).'));
  action('sign-out', async (req, res, user) => (await ownedOf(res).rs.userAdmin.revokeSessions(user.id, kit.actor(req, res)), 'Signed out of every session.'));
  action('factors/reset', async (req, res, user) => `${await ownedOf(res).rs.mfa.reset(user.id, kit.actor(req, res))} factor(s) removed; the user enrolls again when a sign-in requires it.`);

  router.post('/users/:id/delete', kit.form, kit.csrf, async (req, res) => {
    const user = await findUser(req, res);
    if (!user) return;
    const { rs, base, realm } = ownedOf(res);
    if (field(req, 'confirm').toLowerCase() !== user.email) {
      return kit.page(res, 'user', { title: user.email, base, realmLabel: realm.displayName, user, factors: await rs.mfa.list(user.id), notice: '', errors: ['Type the user\'s email address to confirm the deletion.'] }, 400);
    }
    const removed = await attempt(() => rs.userAdmin.remove(user.id, kit.actor(req, res)));
    if (!removed.ok) return kit.page(res, 'user', { title: user.email, base, realmLabel: realm.displayName, user, factors: [], notice: '', errors: removed.messages }, removed.status);
    res.redirect(303, `${base}/users?notice=${encodeURIComponent('User deleted.')}`);
  });
  return router;
}
