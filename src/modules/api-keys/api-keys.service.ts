// API keys for the management API. Format: gh_<pk|rk>_<id>_<secret>, 256 random bits of secret.
// The recognisable prefix lets secret scanners find leaked keys; the id part looks the key up;
// only SHA-256 of the whole key is stored, compared in constant time. Shown once.
//
// platform (pk): belongs to a developer account, manages every realm that developer owns.
// realm (rk):    limited to one realm.
import type { PrismaClient } from '../../db/types.js';
import type { ApiKey } from '../../generated/prisma/client.js';
import { randomToken, sha256, verifySecret } from '../../security/tokens.js';
import type { Actor } from '../audit/actor.js';
import { createAuditRepo } from '../audit/audit.repo.js';

/** `lastUsedAt` is written at most once per this interval per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const KEY_PATTERN = /^gh_(pk|rk)_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;

export type Principal =
  | { kind: 'platform'; keyId: string; prefix: string; ownerId: string }
  | { kind: 'realm'; keyId: string; prefix: string; realmId: string };

export function createApiKeysService(prisma: PrismaClient) {
  return {
    /** Creates a key and returns it in full: the only time it exists outside the caller. */
    async create(input: { kind: 'platform'; ownerId: string; adminRealmId: string; name: string } | { kind: 'realm'; realmId: string; name: string }, actor: Actor) {
      const kind = input.kind;
      const prefix = `gh_${kind === 'platform' ? 'pk' : 'rk'}_${randomToken(9)}`;
      const key = `${prefix}_${randomToken(32)}`;
      const realmId = input.kind === 'platform' ? input.adminRealmId : input.realmId;
      const row = await prisma.$transaction(async (tx) => {
        const created = await tx.apiKey.create({
          data: { kind, realmId, ownerId: input.kind === 'platform' ? input.ownerId : null, name: input.name, prefix, hash: sha256(key) },
        });
        await createAuditRepo(tx, realmId).append({ ...actor, action: 'api_key.created', target: `api-key:${prefix}` });
        return created;
      });
      return { key, apiKey: { id: row.id, prefix: row.prefix, kind: row.kind, name: row.name, createdAt: row.createdAt.toISOString() } };
    },

    /** The principal behind a presented key, or undefined (unknown, malformed, revoked, wrong secret). */
    async authenticate(presented: string): Promise<Principal | undefined> {
      const match = KEY_PATTERN.exec(presented);
      if (!match) return undefined;
      const prefix = `gh_${match[1]}_${match[2]}`;
      const row: ApiKey | null = await prisma.apiKey.findUnique({ where: { prefix } });
      if (!row || row.revokedAt || !verifySecret(presented, row.hash)) return undefined;
      // Best effort, off the request path: last use is informational, to the minute. An UPDATE on
      // every call cost a connection per request (the pool ran dry under load); the condition in
      // the WHERE keeps instances that read the row at the same time from writing it twice.
      const now = new Date();
      if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
        const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
        void prisma.apiKey
          .updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: staleBefore } }] }, data: { lastUsedAt: now } })
          .catch(() => undefined);
      }
      if (row.kind === 'platform' && row.ownerId) return { kind: 'platform', keyId: row.id, prefix, ownerId: row.ownerId };
      if (row.kind === 'realm') return { kind: 'realm', keyId: row.id, prefix, realmId: row.realmId };
      return undefined;
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
