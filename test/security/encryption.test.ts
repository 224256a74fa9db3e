// The sealer (AES-256-GCM, v1.<iv>.<tag>.<ciphertext>): what it seals opens under the same key
// and associated data only, and every seal has a fresh IV, also across refills of the IV pool.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer, deriveKey } from '../../src/security/encryption.js';

describe('sealer', () => {
  const masterKey = randomBytes(32);
  const sealer = createSealer(masterKey, 'test');

  it('opens what it sealed, under the same associated data only', () => {
    const sealed = sealer.seal('a secret payload ✓', 'row-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealer.open(sealed, 'row-1')).toBe('a secret payload ✓');
    expect(() => sealer.open(sealed, 'row-2')).toThrow();
    expect(() => createSealer(masterKey, 'other').open(sealed, 'row-1')).toThrow();
    expect(sealer.open(sealer.seal('', 'x'), 'x')).toBe('');
  });

  it('gives every seal its own IV, across many more seals than one pool holds', () => {
    const ivs = new Set<string>();
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const sealed = sealer.seal(`payload ${i}`, 'k');
      ivs.add(sealed.split('.')[1]!);
      if (i % 997 === 0) expect(sealer.open(sealed, 'k')).toBe(`payload ${i}`);
    }
    expect(ivs.size).toBe(n);
  });

  it('opens a value sealed in the v1 format by plain AES-256-GCM (values already stored keep opening)', () => {
    const key = deriveKey(masterKey, 'test');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from('row-9'));
    const body = Buffer.concat([cipher.update('stored before', 'utf8'), cipher.final()]);
    const sealed = ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    expect(sealer.open(sealed, 'row-9')).toBe('stored before');
  });
});
