// The tests' own TOTP codes are right: RFC 6238 Appendix B's SHA-1 vectors (8 digits, the
// 20-byte ASCII key "12345678901234567890"), and oathtool and the node:crypto fallback agree on
// base32 secrets like the ones Gatehouse issues. CI installs oathtool, so both paths run there.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { base32Decode, hasOathtool, rfc6238, totpCode } from '../support/totp.js';

const KEY = Buffer.from('12345678901234567890');
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP codes used by the tests', () => {
  it('match RFC 6238 Appendix B (node:crypto)', () => {
    for (const [time, code] of VECTORS) expect(rfc6238(KEY, time, { digits: 8 })).toBe(code);
  });

  it('decode base32 per RFC 4648 section 6', () => {
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString()).toBe('12345678901234567890');
    expect(() => base32Decode('not base32!')).toThrow(/not base32/);
  });

  it.runIf(hasOathtool())('match oathtool, on the RFC vectors and on base32 secrets', () => {
    for (const [time, code] of VECTORS) {
      expect(execFileSync('oathtool', ['--totp', '-d', '8', '-N', `@${time}`, KEY.toString('hex')]).toString().trim()).toBe(code);
    }
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    for (const time of [0, 29, 30, 1_700_000_000, 1_800_000_015]) expect(totpCode(secret, time, 'node')).toBe(totpCode(secret, time, 'oathtool'));
  });
});
