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
import { createSigningKeysService, SIGNING_ALGS, sealedKeyRow, type SigningAlg } from '../signing-keys/signing-keys.service.js';
import { generateKey, type GeneratedKey, type KeyPool } from '../signing-keys/key-pool.js';
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
  createdAt: string;
}

/** `settings` with the lifetimes patch applied, or a 400 naming the bad field. */
function settingsWith(settings: RealmSettings, patch: TokenLifetimesPatch | undefined): RealmSettings {
  if (!patch) return settings;
  const result = withTokenLifetimes(settings, patch);
  if (!result.success) throw problems.validation(toFieldErrors(result.error));
  return result.data;
}

const accountPatchOf = ({ signUp, magicLink, requireVerifiedEmail, passwordPolicy, mailSenderName, mfa }: AccountSettingsPatch): AccountSettingsPatch =>
  Object.fromEntries(Object.entries({ signUp, magicLink, requireVerifiedEmail, passwordPolicy, mailSenderName, mfa }).filter(([, v]) => v !== undefined));

/** RSA-2048 takes ~0.2 s (seconds on a busy machine); P-256 about a millisecond. */
const SLOW_ALGS: ReadonlySet<SigningAlg> = new Set(['RS256']);

export function createRealmsService(deps: { prisma: PrismaClient; sealer: Sealer; events: RealmEvents; baseUrl: string; mailAvailable: boolean; keyPool?: KeyPool; onError?: (err: unknown, msg: string) => void }) {
  const { prisma, sealer, events, keyPool } = deps;
  const keyWork = new Set<Promise<void>>();

  /**
   * A new realm's first pairs: ready ones from the key pool, fast ones made on the spot. A slow
   * pair the pool has none of is left out (`later`) when the pool is running (a server), and
   * added right after the realm is committed; without a running pool (the CLI) it is made now.
   */
  async function initialPairs() {
    const now: Array<{ alg: SigningAlg; key: GeneratedKey }> = [];
    const later: SigningAlg[] = [];
    for (const alg of SIGNING_ALGS) {
      const ready = keyPool?.takeReady(alg);
      if (ready) now.push({ alg, key: ready });
      else if (keyPool?.started && SLOW_ALGS.has(alg)) later.push(alg);
      else now.push({ alg, key: await generateKey(alg) });
    }
    return { now, later };
  }

  /**
   * Adds the pairs left out at creation, then announces the change so every instance rebuilds
   * the realm's provider with them (until then its JWKS and discovery list ES256 only). Should
   * this process stop first, the next provider build adds them (provider-factory.ts).
   */
  function addLaterKeys(realm: Realm) {
    const work = createSigningKeysService(createRealmScope(prisma, realm), sealer, keyPool?.take)
      .ensureInitialKeys()
      .then(() => events.publishChanged(realm.name))
      .catch((err: unknown) => deps.onError?.(err, `could not add the remaining signing keys of realm ${realm.name}`))
      .finally(() => keyWork.delete(work));
    keyWork.add(work);
  }

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
    // Key pairs before the transaction, so it holds its connection for a few queries only.
    const pairs = await initialPairs();
    try {
      // One transaction: a realm never exists without its keys and audit record.
      return await prisma.$transaction(async (tx) => {
        const realm = await tx.realm.create({
          data: { name: data.name, displayName: data.displayName ?? data.name, ownerId, settings: settings as Prisma.InputJsonValue },
        });
        const scope = createRealmScope(tx, realm, true);
        const now = new Date();
        await scope.signingKeys.createAll(pairs.now.map(({ alg, key }) => sealedKeyRow(sealer, realm.id, alg, key, now)));
        await scope.audit.append({ ...actor, action: 'realm.created', target: `realm:${realm.name}` });
        return realm;
      }).then((realm) => {
        if (pairs.later.length) addLaterKeys(realm);
        return realm;
      });
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

  return {
    create,
    update,
    view: (r: Realm): RealmView => {
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
        createdAt: r.createdAt.toISOString(),
      };
    },
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
    /** Waits for signing keys still being added to new realms (shutdown). */
    async drain() {
      while (keyWork.size) await Promise.all(keyWork);
    },
  };
}

export type RealmsService = ReturnType<typeof createRealmsService>;
