// Limits on the mail anyone can make Gatehouse send (issue 8: per address per hour, per source,
// per realm), so a sign-up, reset or magic-link form cannot be used to flood an inbox, burn the
// realm's sending reputation or fill the outbox. Keys carry a keyed hash of realm + address,
// never the address.
//
// `check` takes a point from each counter. Callers treat the outcomes differently on purpose:
// - `address`: the request is answered as usual and no mail is queued, so the answer does not
//   tell whether the address has an account (or has been asked for too often);
// - `source` and `realm`: 429 with Retry-After; they say nothing about any account.
import { createHmac } from 'node:crypto';
import type { Config } from '../../config/config.js';
import { consume } from '../../http/rate-limit.js';
import { deriveKey } from '../../security/encryption.js';
import type { Stores } from '../../stores/stores.js';

const HOUR = 3600;

export type MailLimitResult = { ok: true } | { ok: false; limit: 'address' | 'source' | 'realm'; retryAfterSeconds: number };

export function createMailLimits(stores: Pick<Stores, 'rateLimiter'>, masterKey: Buffer, limits: Config['mailLimits']) {
  const addressKey = deriveKey(masterKey, 'mail-limits:address');
  const perAddress = stores.rateLimiter({ keyPrefix: 'mail-address', points: limits.perAddressPerHour, durationSeconds: HOUR });
  const perSource = stores.rateLimiter({ keyPrefix: 'mail-source', points: limits.perSourcePerHour, durationSeconds: HOUR });
  const perRealm = stores.rateLimiter({ keyPrefix: 'mail-realm', points: limits.perRealmPerHour, durationSeconds: HOUR });
  const hashed = (realmId: string, address: string) => createHmac('sha256', addressKey).update(`${realmId}\n${address.toLowerCase()}`).digest('base64url');

  return {
    /** One more mail to `address` in `realmId`, asked for from `ip` (undefined: no end-user address known). */
    async check(realmId: string, address: string, ip: string | undefined): Promise<MailLimitResult> {
      const realm = await consume(perRealm, realmId);
      if (!realm.ok) return { ok: false, limit: 'realm', retryAfterSeconds: realm.retryAfterSeconds };
      if (ip) {
        const source = await consume(perSource, `${realmId}:${ip}`);
        if (!source.ok) return { ok: false, limit: 'source', retryAfterSeconds: source.retryAfterSeconds };
      }
      const to = await consume(perAddress, hashed(realmId, address));
      if (!to.ok) return { ok: false, limit: 'address', retryAfterSeconds: to.retryAfterSeconds };
      return { ok: true };
    },
  };
}

export type MailLimits = ReturnType<typeof createMailLimits>;
