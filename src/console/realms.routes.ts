// Realms in the console: the developer's own realms, listed a page at a time in name order
// (realms service listPage: keyset on the (ownerId, name) index) and searchable; create; the
// realm's overview and settings (display name, token lifetimes, sign-up, email verification,
// password policy, MFA policy), validated by the realms service as PATCH /realms/{realm} is.
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
    const after = queryParam(req, 'after', 63);
    const page = await kit.services.realms.listPage(consoleOf(res).developer.id, { q: q || undefined, after: after || undefined, limit: PAGE_SIZE });
    const next = page.nextCursor ? `/console?${new URLSearchParams({ ...(q ? { q } : {}), after: page.nextCursor })}` : undefined;
    kit.page(res, 'realms', { title: 'Your realms', realms: page.realms, q, next, notice: queryParam(req, 'notice') });
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
