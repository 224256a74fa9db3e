// What every management API route file is given: the services, and the request's actor and
// realm, each worked out one way (api-auth.ts decides which realms a key reaches).
import type { Request, Response } from 'express';
import type { Config } from '../config/config.js';
import type { Realm } from '../generated/prisma/client.js';
import { actorFromRequest, type Actor } from '../modules/audit/actor.js';
import type { RealmServices, Services } from '../services.js';
import { actorName, authorizedRealm, principalOf } from './api-auth.js';

export interface ApiContext {
  config: Readonly<Config>;
  services: Services;
  /** The key as actor, with the request's address, user agent and id. */
  actor(req: Request, res: Response): Actor;
  /** The realm named in the path, if this key may manage it (404 otherwise). */
  realm(req: Request, res: Response): Promise<Realm>;
  realmServices(req: Request, res: Response): Promise<RealmServices>;
}

export function createApiContext(config: Readonly<Config>, services: Services): ApiContext {
  const realm = (req: Request, res: Response) => authorizedRealm(services, principalOf(res), String(req.params.realm));
  return {
    config,
    services,
    actor: (req, res) => actorFromRequest(req, actorName(principalOf(res))),
    realm,
    realmServices: async (req, res) => services.forRealm(await realm(req, res)),
  };
}
