// Realm signing keys: ES256 signs by default, RS256 is also published for relying parties
// that only support it (OpenID Connect Core §15.1 makes RS256 the mandatory-to-implement alg).
//
// Rotation (gatehouse keys rotate): the new key is published at once but signs only from
// `activatesAt`, so relying parties that cache the JWKS fetch it before they meet it; the old key
// keeps signing until then and stays published until every token it signed has expired.
import { exportJWK, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import type { RealmScope } from '../../realms/realm-scope.js';
import type { Sealer } from '../../security/encryption.js';
import type { Actor } from '../audit/actor.js';

export const SIGNING_ALGS = ['ES256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export interface PrivateJwk {
  kty: string;
  kid: string;
  alg: string;
  use: 'sig';
  [k: string]: unknown;
}

async function newKey(alg: SigningAlg) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const kid = randomUUID();
  const meta = { kid, alg, use: 'sig' as const };
  return { kid, publicJwk: { ...(await exportJWK(publicKey)), ...meta }, privateJwk: { ...(await exportJWK(privateKey)), ...meta } };
}

const aad = (realmId: string, kid: string) => `${realmId}:${kid}`;

/** Margin for relying parties' clocks when deciding how long a retired key stays published. */
export const CLOCK_SKEW_SECONDS = 300;
export const DEFAULT_ACTIVATE_AFTER_SECONDS = 600;

/** A published key, public facts only: never the private half. */
export interface SigningKeyView {
  kid: string;
  alg: string;
  /** signing: signs tokens now; next: published, signs from activatesAt; retiring: verifies only, published until expiresAt. */
  status: 'signing' | 'next' | 'retiring';
  activatesAt: string;
  retiredAt: string | null;
  expiresAt: string | null;
  createdAt: string;
}

export function createSigningKeysService(scope: RealmScope, sealer: Sealer) {
  const realmId = scope.realm.id;
  /** A new key pair, its private half sealed to this realm and kid (RSA generation takes ~0.2 s). */
  async function generate(alg: SigningAlg, activatesAt: Date) {
    const key = await newKey(alg);
    return { kid: key.kid, alg, publicJwk: key.publicJwk, privateJwk: sealer.seal(JSON.stringify(key.privateJwk), aad(realmId, key.kid)), activatesAt };
  }

  return {
    /** Published keys, oldest first, with what each does now. */
    async list(now = new Date()): Promise<SigningKeyView[]> {
      const keys = await scope.signingKeys.listPublished(now);
      return keys.map((k) => ({
        kid: k.kid, alg: k.alg, status: k.retiredAt && k.retiredAt <= now ? 'retiring' : k.activatesAt > now ? 'next' : 'signing',
        activatesAt: k.activatesAt.toISOString(), retiredAt: k.retiredAt?.toISOString() ?? null, expiresAt: k.expiresAt?.toISOString() ?? null, createdAt: k.createdAt.toISOString(),
      }));
    },

    /** The longest a token signed now can stay valid (ID tokens, access tokens, per-API access tokens), plus clock skew. */
    async maxTokenLifetimeSeconds() {
      const { idToken, accessToken } = scope.settings.tokenLifetimes;
      const resourceTtls = (await scope.apiResources.list()).flatMap((r) => (r.accessTokenTtl ? [r.accessTokenTtl] : []));
      return Math.max(idToken, accessToken, ...resourceTtls) + CLOCK_SKEW_SECONDS;
    },

    /** Creates the realm's first keys (one per alg), signing at once. */
    async ensureInitialKeys(now = new Date()) {
      const existing = await scope.signingKeys.listPublished(now);
      for (const alg of SIGNING_ALGS) if (!existing.some((k) => k.alg === alg)) await scope.signingKeys.create(await generate(alg, now));
    },

    /**
     * Adds a new key per alg that signs from now + activateAfterSeconds; the current keys retire
     * then and stay published for `maxTokenLifetimeSeconds` more. Keys and audit event land together.
     */
    async rotate({ activateAfterSeconds, maxTokenLifetimeSeconds, now = new Date() }: { activateAfterSeconds: number; maxTokenLifetimeSeconds: number; now?: Date }, actor: Actor) {
      const activatesAt = new Date(now.getTime() + activateAfterSeconds * 1000);
      const expiresAt = new Date(activatesAt.getTime() + maxTokenLifetimeSeconds * 1000);
      const fresh = await Promise.all(SIGNING_ALGS.map((alg) => generate(alg, activatesAt)));
      const retiring = await scope.inTransaction(async (tx) => {
        const current = (await tx.signingKeys.listPublished(now)).filter((k) => !k.retiredAt);
        for (const key of fresh) await tx.signingKeys.create(key);
        await tx.signingKeys.retire(current.map((k) => k.id), activatesAt, expiresAt);
        const kids = current.map((k) => k.kid);
        await tx.audit.append({ ...actor, action: 'keys.rotated', target: `realm:${scope.realm.name}`, data: { added: fresh.map((k) => k.kid), retiring: kids, activatesAt: activatesAt.toISOString() } });
        return kids;
      });
      return { activatesAt, kids: fresh.map((k) => k.kid), retiring, oldKeysExpireAt: expiresAt };
    },

    /**
     * The JWKS for the provider: per alg, the key that signs now comes first (oidc-provider
     * signs with the first matching key); keys not yet active or retired follow, published
     * only for verification. Also returns when this answer next changes.
     */
    async loadForProvider(now = new Date()) {
      const keys = await scope.signingKeys.listPublished(now);
      const signing = new Map<string, (typeof keys)[number]>();
      for (const k of keys) {
        if (k.activatesAt <= now) signing.set(k.alg, k); // newest active key of each alg wins
      }
      const ordered = [...signing.values(), ...keys.filter((k) => signing.get(k.alg) !== k)];
      const changes = keys.flatMap((k) => [k.activatesAt, k.expiresAt]).filter((d): d is Date => !!d && d > now);
      const nextChangeAt = changes.length ? new Date(Math.min(...changes.map((d) => d.getTime()))) : undefined;
      const jwks = { keys: ordered.map((k) => JSON.parse(sealer.open(k.privateJwk, aad(realmId, k.kid))) as PrivateJwk) };
      return { jwks, nextChangeAt };
    },
  };
}
