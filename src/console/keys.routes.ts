// Signing keys of a realm in the console: list, and rotate. Rotating needs a recent sign-in
// (step-up). The new keys are published at once and sign after 10 minutes, so relying parties
// caching the JWKS meet them first; the old keys stay published until what they signed expired.
import { Router } from 'express';
import { type ConsoleKit } from './console-kit.js';
import { ownedOf } from './owned-realm.js';

/** Publish-before-sign delay: JWKS caches (120 s) plus the 5-minute provider reload without Redis (README, keys rotate). */
const ACTIVATE_AFTER_SECONDS = 600;

export function keysArea(kit: ConsoleKit): Router {
  const router = Router({ mergeParams: true });
  router.get('/keys', kit.recent, async (_req, res) => {
    const { rs, base, realm } = ownedOf(res);
    const keys = await rs.signingKeys.list();
    kit.page(res, 'keys', { title: `Signing keys of ${realm.displayName}`, base, realmLabel: realm.displayName, keys, notice: queryNotice(_req.query.notice) });
  });
  router.post('/keys/rotate', kit.form, kit.csrf, kit.recent, async (req, res) => {
    const { rs, base, realm } = ownedOf(res);
    const maxTokenLifetimeSeconds = await rs.signingKeys.maxTokenLifetimeSeconds();
    await rs.signingKeys.rotate({ activateAfterSeconds: ACTIVATE_AFTER_SECONDS, maxTokenLifetimeSeconds }, kit.actor(req, res));
    await kit.services.realms.changed(realm.name);
    res.redirect(303, `${base}/keys?notice=${encodeURIComponent('New keys published; they sign from 10 minutes from now.')}`);
  });
  return router;
}

const queryNotice = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : '');
