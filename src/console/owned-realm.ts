// /console/realms/:name/...: the realm, only when the signed-in developer owns it. Another
// developer's realm and a realm that does not exist answer the same 404, so the console tells
// nobody which realm names are taken by others.
import type { NextFunction, Request, Response } from 'express';
import type { Realm } from '../generated/prisma/client.js';
import type { RealmServices } from '../services.js';
import { consoleOf, type ConsoleKit } from './console-kit.js';

export interface OwnedRealm {
  realm: Realm;
  rs: RealmServices;
  /** /console/realms/<name> */
  base: string;
}

export function ownedRealm(kit: ConsoleKit) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.name);
    const realm = /^[a-z0-9-]{1,63}$/.test(name) ? await kit.services.realms.findByName(name) : null;
    if (!realm || realm.ownerId !== consoleOf(res).developer.id) {
      return kit.page(res, 'not-found', { title: 'Not found', message: 'You have no realm by that name.' }, 404);
    }
    const owned: OwnedRealm = { realm, rs: kit.services.forRealm(realm), base: `/console/realms/${realm.name}` };
    res.locals.owned = owned;
    next();
  };
}

export function ownedOf(res: Response): OwnedRealm {
  const owned = res.locals.owned as OwnedRealm | undefined;
  if (!owned) throw new Error('owned realm missing: route mounted outside /console/realms/:name');
  return owned;
}
