// WebAuthn challenges (WebAuthn §13.4.3: random, used once, checked by the relying party).
// Kept in the shared artifact store (Redis with N processes, memory with one), never in a map
// only one process sees. Each is bound to what it was made for, its "binding": the realm, the
// purpose (register, login, mfa) and the interaction uid or account session it belongs to; the
// store key is an HMAC of that binding and the payload is sealed under the key (artifact-
// protection.ts), so a challenge of realm A or of another sign-in is simply not found.
// One challenge per binding: asking for options again replaces the earlier one. Taking it
// marks it consumed first (one compare-and-set across every instance), so a response is
// verified at most once against it, whatever the outcome.
import type { ArtifactProtector } from '../../stores/artifact-protection.js';
import type { ArtifactStore } from '../../stores/oidc-adapter.js';

/** Five minutes: the options' timeout as well (WebAuthn §5.4 timeout, a hint to the browser). */
export const CHALLENGE_TTL_SECONDS = 300;

export type ChallengePurpose = 'register' | 'login' | 'mfa';

export interface Binding {
  realmId: string;
  purpose: ChallengePurpose;
  /** `interaction:<uid>` or `account:<userId>:<auth time>`. */
  holder: string;
}

export interface StoredChallenge {
  challenge: string;
  /** The user the ceremony is for (registration, second factor); absent for usernameless sign-in. */
  userId?: string;
  /** Whether the ceremony asked for user verification as required. */
  requireUserVerification: boolean;
  expiresAt: number;
}

export function createPasskeyChallenges(store: ArtifactStore, protector: ArtifactProtector) {
  // The layout of artifact-keys.ts, model WebAuthnChallenge (budgeted as pending: anyone can ask for one).
  const keyOf = (b: Binding) => `oidc:${b.realmId}:WebAuthnChallenge:${protector.name(`${b.purpose}:${b.holder}`)}`;

  return {
    async save(b: Binding, value: Omit<StoredChallenge, 'expiresAt'>) {
      const key = keyOf(b);
      const stored: StoredChallenge = { ...value, expiresAt: Date.now() + CHALLENGE_TTL_SECONDS * 1000 };
      await store.set(key, { sealed: protector.seal(JSON.stringify(stored), key) }, CHALLENGE_TTL_SECONDS);
    },
    /** The challenge, used up by this call; undefined when missing, expired or already taken. */
    async take(b: Binding): Promise<StoredChallenge | undefined> {
      const key = keyOf(b);
      const found = await store.get(key);
      if (!found || found.consumed || !(await store.consume(key, Date.now()))) return undefined;
      await store.del(key);
      const opened = protector.open(found.sealed, key);
      const value = opened ? (JSON.parse(opened) as StoredChallenge) : undefined;
      return value && value.expiresAt > Date.now() ? value : undefined;
    },
  };
}

export type PasskeyChallenges = ReturnType<typeof createPasskeyChallenges>;
