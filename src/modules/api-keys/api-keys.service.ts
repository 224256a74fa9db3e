// API keys for the management API. Format: gh_<pk|rk>_<id>_<secret>, 256 random bits of secret.
// The recognisable prefix lets secret scanners find leaked keys; the id part looks the key up;
// only SHA-256 of the whole key is stored, compared in constant time. Shown once.
//
// platform (pk): belongs to a developer account, manages every realm that developer owns.
// realm (rk):    limited to one realm.
// Each key holds scopes (api-key-scopes.ts) and may expire; a revoked or expired key is refused.
import type { PrismaClient } from '../../db/types.js';
import type { SqlPool } from '../../db/prisma.js';
import { selectRows } from '../../db/sql-rows.js';
import type { ApiKey } from '../../generated/prisma/client.js';
import { decodeTimeCursor, olderThan, timeCursorOf, toPage, type Page } from '../../http/pagination.js';
import { randomToken, sha256, verifySecret } from '../../security/tokens.js';
import type { Actor } from '../audit/actor.js';
import { createAuditRepo } from '../audit/audit.repo.js';
import { API_KEY_SCOPES, isApiKeyScope, type ApiKeyScope } from './api-key-scopes.js';

/** `lastUsedAt` is written at most once per this interval per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const KEY_PATTERN = /^gh_(pk|rk)_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;

interface PrincipalBase {
  keyId: string;
  prefix: string;
  scopes: readonly ApiKeyScope[];
  expiresAt: Date | null;
}

export type Principal = (PrincipalBase & { kind: 'platform'; ownerId: string }) | (PrincipalBase & { kind: 'realm'; realmId: string });

/** Whose keys: a developer's platform keys, or one realm's keys. */
export type KeyOwner = { kind: 'platform'; ownerId: string } | { kind: 'realm'; realmId: string };

export interface ApiKeyView {
  id: string;
  prefix: string;
  kind: ApiKey['kind'];
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** Whose a new key is: a developer's platform key (audited in the admin realm) or a realm's own. */
export type NewKeyOwner = { kind: 'platform'; ownerId: string; adminRealmId: string } | { kind: 'realm'; realmId: string };

export type NewApiKey = NewKeyOwner & {
  name: string;
  /** Default: every scope. */
  scopes?: readonly ApiKeyScope[];
  expiresAt?: Date | null;
};

export const toApiKeyView = (k: ApiKey): ApiKeyView => ({
  id: k.id, prefix: k.prefix, kind: k.kind, name: k.name, scopes: k.scopes, createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null, expiresAt: k.expiresAt?.toISOString() ?? null,
});

const ownerWhere = (owner: KeyOwner) => (owner.kind === 'platform' ? { kind: 'platform' as const, ownerId: owner.ownerId } : { kind: 'realm' as const, realmId: owner.realmId });

/** A key by its prefix: every API call's first query, through the pool (src/db/sql-rows.ts). */
const BY_PREFIX = 'SELECT * FROM "ApiKey" WHERE "prefix" = $1';

export function createApiKeysService(prisma: PrismaClient, sql: SqlPool) {
  return {
    /** Creates a key and returns it in full: the only time it exists outside the caller. */
    async create(input: NewApiKey, actor: Actor) {
      const kind = input.kind;
      const prefix = `gh_${kind === 'platform' ? 'pk' : 'rk'}_${randomToken(9)}`;
      const key = `${prefix}_${randomToken(32)}`;
      const realmId = input.kind === 'platform' ? input.adminRealmId : input.realmId;
      const scopes = [...new Set(input.scopes ?? API_KEY_SCOPES)];
      const row = await prisma.$transaction(async (tx) => {
        const created = await tx.apiKey.create({
          data: { kind, realmId, ownerId: input.kind === 'platform' ? input.ownerId : null, name: input.name, prefix, hash: sha256(key), scopes, expiresAt: input.expiresAt ?? null },
        });
        await createAuditRepo(tx, realmId).append({ ...actor, action: 'api_key.created', target: `api-key:${prefix}`, data: { kind, name: input.name, scopes, expiresAt: created.expiresAt?.toISOString() ?? null } });
        return created;
      });
      return { key, apiKey: toApiKeyView(row) };
    },

    /** Keys of one owner that are not revoked (expired ones included, with their expiresAt), newest first. */
    async list(owner: KeyOwner, page: { limit: number; cursor?: string }): Promise<Page<ApiKeyView>> {
      const rows = await prisma.apiKey.findMany({
        where: { AND: [ownerWhere(owner), { revokedAt: null }, ...(page.cursor ? [olderThan(decodeTimeCursor(page.cursor))] : [])] },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: page.limit + 1,
      });
      return toPage(rows, page.limit, timeCursorOf, toApiKeyView);
    },

    /** Revokes one of the owner's keys by its prefix; false when it has no such live key. */
    async revoke(owner: KeyOwner, prefix: string, actor: Actor): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const row = await tx.apiKey.findFirst({ where: { ...ownerWhere(owner), prefix, revokedAt: null } });
        if (!row) return false;
        await tx.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
        await createAuditRepo(tx, row.realmId).append({ ...actor, action: 'api_key.revoked', target: `api-key:${prefix}` });
        return true;
      });
    },

    /** The principal behind a presented key, or undefined (unknown, malformed, revoked, expired, wrong secret). */
    async authenticate(presented: string): Promise<Principal | undefined> {
      const match = KEY_PATTERN.exec(presented);
      if (!match) return undefined;
      const prefix = `gh_${match[1]}_${match[2]}`;
      const [row] = await selectRows<ApiKey>(sql, BY_PREFIX, [prefix]);
      const now = new Date();
      if (!row || row.revokedAt || !verifySecret(presented, row.hash)) return undefined;
      if (row.expiresAt && row.expiresAt <= now) return undefined;
      // Best effort, off the request path: last use is informational, to the minute. An UPDATE on
      // every call cost a connection per request (the pool ran dry under load); the condition in
      // the WHERE keeps instances that read the row at the same time from writing it twice.
      if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
        const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
        void prisma.apiKey
          .updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: staleBefore } }] }, data: { lastUsedAt: now } })
          .catch(() => undefined);
      }
      const base = { keyId: row.id, prefix, scopes: row.scopes.filter(isApiKeyScope), expiresAt: row.expiresAt };
      if (row.kind === 'platform' && row.ownerId) return { ...base, kind: 'platform', ownerId: row.ownerId };
      if (row.kind === 'realm') return { ...base, kind: 'realm', realmId: row.realmId };
      return undefined;
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
