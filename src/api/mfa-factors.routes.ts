// A user's second factors on the management API: list them, remove one type, remove all
// (reset MFA: the user enrolls again when a sign-in requires it). Removal is audited by the
// service (mfa.factor_removed, mfa.reset). The user is looked up in the realm first, so another
// realm's user id is a 404 like an unknown one.
import type { Request, Router } from 'express';
import { problems } from '../http/problem.js';
import { FACTOR_TYPES, type FactorType } from '../modules/mfa/mfa.service.js';
import type { UsersRouteDeps } from './users.routes.js';
import { needs } from './require-scope.js';

const isFactorType = (t: string): t is FactorType => (FACTOR_TYPES as readonly string[]).includes(t);

export function mfaFactorsRoutes(router: Router, { actor, realmServices }: Pick<UsersRouteDeps, 'actor' | 'realmServices'>): void {
  const base = '/realms/:realm/users/:id/factors';
  const id = (req: Request) => String(req.params.id);

  router.get(base, needs('users:read'), async (req, res) => {
    const realm = await realmServices(req, res);
    if (!(await realm.users.get(id(req)))) throw problems.notFound('user');
    res.json({ data: await realm.mfa.list(id(req)) });
  });
  router.delete(`${base}/:type`, needs('users:write'), async (req, res) => {
    const type = String(req.params.type);
    if (!isFactorType(type)) throw problems.notFound('factor type');
    const realm = await realmServices(req, res);
    if (!(await realm.users.get(id(req)))) throw problems.notFound('user');
    if (!(await realm.mfa.remove(id(req), type, actor(req, res)))) throw problems.notFound('factor');
    res.status(204).end();
  });
  router.delete(base, needs('users:write'), async (req, res) => {
    const realm = await realmServices(req, res);
    if (!(await realm.users.get(id(req)))) throw problems.notFound('user');
    await realm.mfa.reset(id(req), actor(req, res));
    res.status(204).end();
  });
}
