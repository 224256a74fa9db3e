// Opaque credentials (API keys, client secrets): 256 random bits, stored only as SHA-256.
// A fast hash is enough for high-entropy secrets (no dictionary to try); comparisons are
// constant-time so a timing side channel can't reveal how much of a guess matched.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** One-shot hash(): it runs on every token request (client secrets), and a Hash object costs more. */
export function sha256(value: string): string {
  return hash('sha256', value, 'base64url');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Compare against itself on a length mismatch so the time spent does not depend on it.
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** True when `secret` hashes to `storedHash`. */
export function verifySecret(secret: string, storedHash: string): boolean {
  return constantTimeEqual(sha256(secret), storedHash);
}
