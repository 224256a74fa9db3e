// Realms: created by a developer account (a user of the reserved `admin` realm), each with its
// own signing keys from the start. Only this service creates realms, so every realm has keys.
// A settings change is announced so every instance rebuilds the realm's provider.
import type { PrismaClient } from '../../db/types.js';
import { Prisma, type Realm } from '../../generated/prisma/client.js';
import { problems } from '../../http/problem.js';
import { parseOrThrow, toFieldErrors } from '../../http/validate.js';
import { ADMIN_REALM, createRealmScope } from '../../realms/realm-scope.js';
import { needsMail, parseRealmSettings, realmSettingsSchema, withAccountSettings, withTokenLifetimes, type AccountSettingsPatch, type RealmSettings, type TokenLifetimesPatch } from '../../realms/realm-settings.js';
import type { Sealer } from '../../security/encryption.js';
import type { RealmEvents } from '../../stores/realm-events.js';
import { SIGNING_ALGS, sealedKeyRow } from '../signing-keys/signing-keys.service.js';
import { generateKey, type KeyPool } from '../signing-keys/key-pool.js';
import type { ArtifactStore } from '../../stores/oidc-adapter.js';
import { decodeCursor, toPage, type Page } from '../../http/pagination.js';
import type { Actor } from '../audit/actor.js';
import { createRealmSchema, updateRealmSchema, type CreateRealmInput, type UpdateRealmInput } from './realms.schemas.js';

/** Names that would collide with routes or confuse users. */
const RESERVED = new Set([ADMIN_REALM, 'api', 'www', 'static', 'assets', 'healthz', 'readyz', 'system']);

export interface RealmView {
  id: string;
  name: string;
  displayName: string;
  issuer: string;
  tokenLifetimes: RealmSettings['tokenLifetimes'];
  signUp: RealmSettings['signUp'];
  magicLink: RealmSettings['magicLink'];
  requireVerifiedEmail: boolean;
  passwordPolicy: RealmSettings['passwordPolicy'];
  mailSenderName: string | null;
  mfa: RealmSettings['mfa'];
  mfaRememberDays: number;
  createdAt: string;
}

/** `settings` with the lifetimes patch applied, or a 400 naming the bad field. */
function settingsWith(settings: RealmSettings, patch: TokenLifetimesPatch | undefined): RealmSettings {
  if (!patch) return settings;
  const result = withTokenLifetimes(settings, patch);
  if (!result.success) throw problems.validation(toFieldErrors(result.error));
  return result.data;
}

const accountPatchOf = ({ signUp, magicLink, requireVerifiedEmail, passwordPolicy, mailSenderName, mfa, mfaRememberDays }: AccountSettingsPatch): AccountSettingsPatch =>
  Object.fromEntries(Object.entries({ signUp, magicLink, requireVerifiedEmail, passwordPolicy, mailSenderName, mfa, mfaRememberDays }).filter(([, v]) => v !== undefined));

export interface RealmListQuery {
  /** Case-insensitive match on the name or display name. */
  q?: string;
  limit: number;
  cursor?: string;
}

export function createRealmsService(deps: { prisma: PrismaClient; sealer: Sealer; events: RealmEvents; artifacts: Pick<ArtifactStore, 'deleteRealm'>; baseUrl: string; mailAvailable: boolean; keyPool?: KeyPool }) {
  const { prisma, sealer, events, keyPool } = deps;
  const takeKey = keyPool?.take ?? generateKey;

  /** Features that send mail cannot be switched on where no mail can go out (production without SMTP_URL). */
  function withAccountPatch(settings: RealmSettings, patch: AccountSettingsPatch): RealmSettings {
    const next = withAccountSettings(settings, accountPatchOf(patch));
    if (needsMail(next) && !needsMail(settings) && !deps.mailAvailable) {
      throw problems.conflict('mail_not_configured', 'Sign-up, magic links and required email verification send mail: set SMTP_URL (and MAIL_FROM) first.');
    }
    return next;
  }

  async function create(input: CreateRealmInput, ownerId: string | null, actor: Actor, opts: { allowReserved?: boolean } = {}) {
    const data = parseOrThrow(createRealmSchema, input);
    if (RESERVED.has(data.name) && !opts.allowReserved) throw problems.conflict('realm_name_reserved', `"${data.name}" is a reserved realm name.`);
    const settings = withAccountPatch(settingsWith(realmSettingsSchema.parse({}), data.tokenLifetimes), data);
    // Key pairs before the transaction, so it holds its connection for a few queries only: from
    // the key pool (made in the background) when it has them, else made now (RSA: ~0.2 s).
    const pairs = await Promise.all(SIGNING_ALGS.map(async (alg) => ({ alg, key: await takeKey(alg) })));
    try {
      // One transaction: a realm never exists without its keys and audit record.
      const created = await prisma.$transaction(async (tx) => {
        const realm = await tx.realm.create({
          data: { name: data.name, displayName: data.displayName ?? data.name, ownerId, settings: settings as Prisma.InputJsonValue },
        });
        const scope = createRealmScope(tx, realm, true);
        const now = new Date();
        await scope.signingKeys.createAll(pairs.map(({ alg, key }) => sealedKeyRow(sealer, realm.id, alg, key, now)));
        await scope.audit.append({ ...actor, action: 'realm.created', target: `realm:${realm.name}` });
        return realm;
      });
      // Announced like any change: instances that answered the name as missing forget that (provider-pool.ts).
      await events.publishChanged(created.name);
      return created;
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw problems.conflict('realm_exists', `A realm named "${data.name}" already exists.`);
      }
      throw err;
    }
  }

  /** Changes the display name, token lifetimes and account settings; running providers pick the change up at once. */
  async function update(realm: Realm, input: UpdateRealmInput, actor: Actor) {
    const data = parseOrThrow(updateRealmSchema, input);
    const settings = withAccountPatch(settingsWith(parseRealmSettings(realm.settings), data.tokenLifetimes), data);
    const updated = await prisma.$transaction(async (tx) => {
      const row = await tx.realm.update({
        where: { id: realm.id },
        data: { ...(data.displayName ? { displayName: data.displayName } : {}), settings: settings as Prisma.InputJsonValue },
      });
      await createRealmScope(tx, row, true).audit.append({ ...actor, action: 'realm.updated', target: `realm:${row.name}`, data: data as Prisma.InputJsonValue });
      return row;
    });
    await events.publishChanged(updated.name);
    return updated;
  }

  /**
   * Deletes the realm and everything in it (apps, users, keys, resources, consents, its audit
   * trail: one cascading DELETE, one transaction), then every artifact it left in the store
   * (sessions, grants, codes, tokens: none works again, not even by introspection), then tells
   * every instance, whose provider pool drops the realm: its issuer answers 404 from then on.
   * The deletion is audited in the admin realm (the realm's own trail goes with it).
   */
  async function remove(realm: Realm, actor: Actor) {
    if (realm.name === ADMIN_REALM) throw problems.conflict('realm_protected', `The "${ADMIN_REALM}" realm holds developer accounts and cannot be deleted.`);
    await prisma.$transaction(async (tx) => {
      const admin = await tx.realm.findUnique({ where: { name: ADMIN_REALM } });
      await tx.realm.delete({ where: { id: realm.id } });
      if (admin) await createRealmScope(tx, admin, true).audit.append({ ...actor, action: 'realm.deleted', target: `realm:${realm.name}`, data: { realmId: realm.id } });
    }, { timeout: 15_000 });
    await deps.artifacts.deleteRealm(realm.id);
    await events.publishChanged(realm.name);
  }

  /** A developer's realms (or the operator's view of all: null) by name, a page at a time (index Realm(ownerId, name)). */
  async function page(ownerId: string | null, query: RealmListQuery): Promise<Page<RealmView>> {
    const after = query.cursor ? decodeCursor(query.cursor, 1)[0] : undefined;
    const rows = await prisma.realm.findMany({
      where: {
        ...(ownerId ? { ownerId } : {}),
        ...(after ? { name: { gt: after } } : {}),
        ...(query.q ? { OR: [{ name: { contains: query.q.toLowerCase() } }, { displayName: { contains: query.q, mode: 'insensitive' as const } }] } : {}),
      },
      orderBy: { name: 'asc' },
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, (r) => [r.name], view);
  }

  const view = (r: Realm): RealmView => {
    const s = parseRealmSettings(r.settings);
    return {
      id: r.id,
      name: r.name,
      displayName: r.displayName,
      issuer: `${deps.baseUrl}/realms/${r.name}`,
      tokenLifetimes: s.tokenLifetimes,
      signUp: s.signUp,
      magicLink: s.magicLink,
      requireVerifiedEmail: s.requireVerifiedEmail,
      passwordPolicy: s.passwordPolicy,
      mailSenderName: s.mailSenderName ?? null,
      mfa: s.mfa,
      mfaRememberDays: s.mfaRememberDays,
      createdAt: r.createdAt.toISOString(),
    };
  };

  return {
    create,
    update,
    remove,
    page,
    view,
    findByName: (name: string) => prisma.realm.findUnique({ where: { name } }),
    listByIds: (ids: string[]) => prisma.realm.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: 'asc' } }),
    /** Realms a developer owns (null: every realm, for the CLI run by the operator). */
    list: (ownerId: string | null) =>
      prisma.realm.findMany({ where: ownerId ? { ownerId } : {}, orderBy: { createdAt: 'asc' } }),
    /** The reserved realm holding developer accounts; created on first start. */
    async ensureAdminRealm() {
      const existing = await prisma.realm.findUnique({ where: { name: ADMIN_REALM } });
      if (existing) return existing;
      return create({ name: ADMIN_REALM, displayName: 'Gatehouse developers' }, null, { actor: 'system' }, { allowReserved: true }).catch(async (err) => {
        const raced = await prisma.realm.findUnique({ where: { name: ADMIN_REALM } });
        if (raced) return raced;
        throw err;
      });
    },
    changed: (name: string) => events.publishChanged(name),
  };
}

export type RealmsService = ReturnType<typeof createRealmsService>;
