// /api/v1/realms/{realm}/signing-keys: the published keys (public facts only) and rotation, the
// same as `gatehouse keys rotate`: new keys published at once, signing after activateAfterSeconds.
import type { Router } from 'express';
import { z } from 'zod';
import { parseOrThrow } from '../http/validate.js';
import { DEFAULT_ACTIVATE_AFTER_SECONDS } from '../modules/signing-keys/signing-keys.service.js';
import type { ApiContext } from './api-context.js';
import { needs } from './require-scope.js';

// Relying parties cache the JWKS (120 s is common): a key that signed at once could reach them first.
export const rotateSchema = z.object({ activateAfterSeconds: z.number().int().min(0).max(7 * 24 * 3600).default(DEFAULT_ACTIVATE_AFTER_SECONDS) }).strict();

export function signingKeysRoutes(router: Router, { services, actor, realmServices }: ApiContext): void {
  const base = '/realms/:realm/signing-keys';
  router.get(base, needs('keys:read'), async (req, res) => {
    res.json({ data: await (await realmServices(req, res)).signingKeys.list() });
  });
  router.post(`${base}/rotate`, needs('keys:write'), async (req, res) => {
    const { activateAfterSeconds } = parseOrThrow(rotateSchema, req.body ?? {});
    const realm = await realmServices(req, res);
    const maxTokenLifetimeSeconds = await realm.signingKeys.maxTokenLifetimeSeconds();
    const rotation = await realm.signingKeys.rotate({ activateAfterSeconds, maxTokenLifetimeSeconds }, actor(req, res));
    await services.realms.changed(realm.scope.realm.name);
    res.json({ kids: rotation.kids, activatesAt: rotation.activatesAt.toISOString(), retiring: rotation.retiring, oldKeysExpireAt: rotation.oldKeysExpireAt.toISOString() });
  });
}
