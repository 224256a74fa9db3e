// Values that must be read back (private signing keys) are sealed with AES-256-GCM under a key
// derived from MASTER_KEY by HKDF with a purpose label, so one master key never encrypts two
// kinds of data with the same key. Format: v1.<iv>.<tag>.<ciphertext>, base64url parts.
import { createCipheriv, createDecipheriv, hkdfSync, randomFillSync } from 'node:crypto';

const IV_BYTES = 12;
/**
 * IVs are cut from a pool of CSPRNG bytes refilled in one call (as node's randomUUID does): a
 * randomBytes(12) per seal was a round trip into OpenSSL's RNG for 12 bytes, ~5 µs, paid for
 * every artifact the token endpoint stores. The bytes are the same CSPRNG's, each used once.
 */
const ivPool = Buffer.alloc(IV_BYTES * 512);
let ivOffset = ivPool.length;

/** 12 fresh random bytes; a view into the pool, valid until the next call (used synchronously). */
function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  return ivPool.subarray(ivOffset, (ivOffset += IV_BYTES));
}

export function deriveKey(masterKey: Buffer, purpose: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `gatehouse:${purpose}`, length));
}

export function createSealer(masterKey: Buffer, purpose: string) {
  const key = deriveKey(masterKey, purpose);
  return {
    seal(plaintext: string, associatedData = ''): string {
      const iv = nextIv();
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(associatedData));
      const body = cipher.update(plaintext, 'utf8');
      // GCM is a stream mode: final() adds no bytes; it computes the tag.
      cipher.final();
      return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
    },
    /** `associatedData` binds a ciphertext to its row (e.g. realm id + kid): a sealed value copied elsewhere fails. */
    open(sealed: string, associatedData = ''): string {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unsupported sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(associatedData));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

export type Sealer = ReturnType<typeof createSealer>;
