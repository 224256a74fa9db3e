// What oidc-provider hands the adapter is a set of bearer values: an opaque access or refresh
// token, a code and a session cookie are each the artifact's id, and the payloads repeat them
// (`jti`, an interaction's `session.cookie`, a session's `uid`). Read access to the store
// (a Redis dump, a memory snapshot) must not be read access to the accounts. So:
// - every stored key and pointer is an HMAC-SHA-256 of the value under a key derived from
//   MASTER_KEY (a one-way name: the store can find an artifact by its value, never the reverse);
// - every payload, and every pointer's target, is sealed with AES-256-GCM (src/security/
//   encryption.ts), bound to the key it is stored under, so a sealed value copied under another
//   key (another realm, another model) does not open.
// Sealing the whole payload rather than picking fields: oidc-provider's payload shapes change
// between versions, and a field missed is a token in clear.
import { createHmac } from 'node:crypto';
import { createSealer, deriveKey } from '../security/encryption.js';

export interface ArtifactProtector {
  /** The store's name for a secret value: base64url HMAC-SHA-256, not reversible without MASTER_KEY. */
  name(value: string): string;
  seal(plaintext: string, storedUnder: string): string;
  /** undefined when the value was sealed under another key or is not a sealed value (e.g. written before sealing). */
  open(sealed: string, storedUnder: string): string | undefined;
}

export function createArtifactProtector(masterKey: Buffer): ArtifactProtector {
  const hmacKey = deriveKey(masterKey, 'artifact-ids');
  const sealer = createSealer(masterKey, 'artifacts');
  return {
    name: (value) => createHmac('sha256', hmacKey).update(value).digest('base64url'),
    seal: (plaintext, storedUnder) => sealer.seal(plaintext, storedUnder),
    open(sealed, storedUnder) {
      try {
        return sealer.open(sealed, storedUnder);
      } catch {
        return undefined;
      }
    },
  };
}
