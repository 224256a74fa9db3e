// Realms: created by a developer account (a user of the reserved `admin` realm), each with its
// own signing keys from the start. Only this service creates realms, so every realm has keys.
import type { PrismaClient } from '../../db/types.js';
import { Prisma } from '../../generated/prisma/client.js';
import { problems } from '../../http/problem.js';
import { ADMIN_REALM, createRealmScope, REALM_NAME_PATTERN } from '../../realms/realm-scope.js';
import { realmSettingsSchema, type RealmSettings } from '../../realms/realm-settings.js';
import type { Sealer } from '../../security/encryption.js';
import type { RealmEvents } from '../../stores/realm-events.js';
import { createSigningKeysService } from '../signing-keys/signing-keys.service.js';
import type { Actor } from '../audit/actor.js';

/** Names that would collide with routes or confuse users. */
const RESERVED = new Set([ADMIN_REALM, 'api', 'www', 'static', 'assets', 'healthz', 'readyz', 'system']);

export interface CreateRealmInput {
  name: string;
  displayName?: string;
  ownerId: string | null;
  settings?: Partial<RealmSettings>;
}

export function createRealmsService(deps: { prisma: PrismaClient; sealer: Sealer; events: RealmEvents }) {
  const { prisma, sealer, events } = deps;

  async function create(input: CreateRealmInput, actor: Actor, opts: { allowReserved?: boolean } = {}) {
    if (!REALM_NAME_PATTERN.test(input.name)) {
      throw problems.validation([{ path: 'name', code: 'invalid_string', message: 'lower-case letters, digits and hyphens, 1-63 characters' }]);
    }
    if (RESERVED.has(input.name) && !opts.allowReserved) throw problems.conflict('realm_name_reserved', `"${input.name}" is a reserved realm name.`);
    const settings = realmSettingsSchema.parse(input.settings ?? {});
    try {
      // One transaction: a realm never exists without its keys and audit record.
      return await prisma.$transaction(async (tx) => {
        const realm = await tx.realm.create({
          data: { name: input.name, displayName: input.displayName ?? input.name, ownerId: input.ownerId, settings: settings as Prisma.InputJsonValue },
        });
        const scope = createRealmScope(tx, realm, true);
        await createSigningKeysService(scope.signingKeys, sealer, realm.id).ensureInitialKeys();
        await scope.audit.append({ ...actor, action: 'realm.created', target: `realm:${realm.name}` });
        return realm;
      }, { timeout: 15_000 });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw problems.conflict('realm_exists', `A realm named "${input.name}" already exists.`);
      }
      throw err;
    }
  }

  return {
    create,
    findByName: (name: string) => prisma.realm.findUnique({ where: { name } }),
    listByIds: (ids: string[]) => prisma.realm.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: 'asc' } }),
    /** Realms a developer owns (null: every realm, for the CLI run by the operator). */
    list: (ownerId: string | null) =>
      prisma.realm.findMany({ where: ownerId ? { ownerId } : {}, orderBy: { createdAt: 'asc' } }),
    /** The reserved realm holding developer accounts; created on first start. */
    async ensureAdminRealm() {
      const existing = await prisma.realm.findUnique({ where: { name: ADMIN_REALM } });
      if (existing) return existing;
      return create({ name: ADMIN_REALM, displayName: 'Gatehouse developers', ownerId: null }, { actor: 'system' }, { allowReserved: true }).catch(async (err) => {
        const raced = await prisma.realm.findUnique({ where: { name: ADMIN_REALM } });
        if (raced) return raced;
        throw err;
      });
    },
    changed: (name: string) => events.publishChanged(name),
  };
}

export type RealmsService = ReturnType<typeof createRealmsService>;
