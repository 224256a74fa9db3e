// Realms in the console: the developer's own realms, listed a page at a time in name order
// (realms service page(): keyset on the Realm(ownerId, name) index) and searchable; create; the
// realm's overview and settings (display name, token lifetimes, sign-up, email verification,
// password policy, MFA policy), validated by the realms service as PATCH /realms/{realm} is;
// delete (type the name; needs a recent sign-in), which revokes every token of the realm.
import { Router, type Request } from 'express';
import type { Realm } from '../generated/prisma/client.js';
import type { UpdateRealmInput } from '../modules/realms/realms.schemas.js';
import { attempt, consoleOf, field, queryParam, type ConsoleKit } from './console-kit.js';
import { ownedOf } from './owned-realm.js';

const PAGE_SIZE = 25;
export const LIFETIME_FIELDS = ['accessToken', 'idToken', 'refreshTokenAbsolute', 'refreshTokenIdle', 'authorizationCode', 'session'] as const;

export function realmsArea(kit: ConsoleKit): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const q = queryParam(req, 'q', 100);
    const cursor = queryParam(req, 'cursor', 512);
    const page = await attempt(() => kit.services.realms.page(consoleOf(res).developer.id, { q: q || undefined, cursor: cursor || undefined, limit: PAGE_SIZE }));
    const realms = page.ok ? page.value.data : [];
    const nextCursor = page.ok ? page.value.nextCursor : undefined;
    const next = nextCursor ? `/console?${new URLSearchParams({ ...(q ? { q } : {}), cursor: nextCursor })}` : undefined;
    kit.page(res, 'realms', { title: 'Your realms', realms, q, next, notice: queryParam(req, 'notice'), errors: page.ok ? [] : page.messages }, page.ok ? 200 : page.status);
  });

  router.get('/new-realm', (_req, res) => kit.page(res, 'realm-new', { title: 'Create a realm', errors: [], values: {} }));
  router.post('/new-realm', kit.form, kit.csrf, async (req, res) => {
    const values = { name: field(req, 'name'), displayName: field(req, 'displayName') };
    const created = await attempt(() => kit.services.realms.create({ name: values.name, ...(values.displayName ? { displayName: values.displayName } : {}) }, consoleOf(res).developer.id, kit.actor(req, res)));
    if (!created.ok) return kit.page(res, 'realm-new', { title: 'Create a realm', errors: created.messages, values }, created.status);
    res.redirect(303, `/console/realms/${created.value.name}?notice=${encodeURIComponent('Realm created.')}`);
  });
  return router;
}

export function realmSettingsArea(kit: ConsoleKit): Router {
  const router = Router({ mergeParams: true });
  const show = (res: Parameters<ConsoleKit['page']>[0], realm: Realm, extra: Record<string, unknown> = {}, status = 200) => {
    const { base } = ownedOf(res);
    kit.page(res, 'realm', { title: realm.displayName, realm: kit.services.realms.view(realm), base, lifetimeFields: LIFETIME_FIELDS, errors: [], notice: '', ...extra }, status);
  };

  router.get('/', (req, res) => show(res, ownedOf(res).realm, { notice: queryParam(req, 'notice') }));
  router.post('/delete', kit.form, kit.csrf, kit.recent, async (req, res) => {
    const { realm } = ownedOf(res);
    if (field(req, 'confirm') !== realm.name) return show(res, realm, { errors: ['Type the realm\'s name to confirm the deletion.'] }, 400);
    const removed = await attempt(() => kit.services.realms.remove(realm, kit.actor(req, res)));
    if (!removed.ok) return show(res, realm, { errors: removed.messages }, removed.status);
    res.redirect(303, `/console?notice=${encodeURIComponent(`Realm ${realm.name} deleted.`)}`);
  });
  router.post('/settings', kit.form, kit.csrf, async (req, res) => {
    const { realm, base } = ownedOf(res);
    const updated = await attempt(() => kit.services.realms.update(realm, settingsPatch(req), kit.actor(req, res)));
    if (!updated.ok) return show(res, realm, { errors: updated.messages }, updated.status);
    res.redirect(303, `${base}?notice=${encodeURIComponent('Settings saved.')}`);
  });
  return router;
}

/** The settings form as a PATCH: numbers stay strings when they are not numbers, so the service names the field. */
function settingsPatch(req: Request): UpdateRealmInput {
  const num = (name: string) => {
    const raw = field(req, name);
    return raw === '' ? undefined : /^\d+$/.test(raw) ? Number(raw) : raw;
  };
  const tokenLifetimes = Object.fromEntries(LIFETIME_FIELDS.map((f) => [f, num(f)]).filter(([, v]) => v !== undefined));
  const minLength = num('passwordMinLength');
  const patch = {
    ...(field(req, 'displayName') ? { displayName: field(req, 'displayName') } : {}),
    tokenLifetimes,
    signUp: field(req, 'signUp') === 'on' ? 'enabled' : 'disabled',
    magicLink: field(req, 'magicLink') === 'on' ? 'enabled' : 'disabled',
    requireVerifiedEmail: field(req, 'requireVerifiedEmail') === 'on',
    ...(minLength !== undefined ? { passwordPolicy: { minLength } } : {}),
    mfa: field(req, 'mfa') || undefined,
  };
  return patch as UpdateRealmInput;
}
