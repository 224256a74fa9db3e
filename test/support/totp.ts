// TOTP codes for tests from an implementation other than the server's otplib: Debian's oathtool
// when it is installed (.ci/run installs it), else RFC 6238 written out here on node:crypto, so
// that the README's test command also passes on a machine with only Node. Both are checked
// against the RFC's own test vectors (test/mfa/totp-reference.test.ts).
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';

let oathtool: boolean | undefined;
function hasOathtool(): boolean {
  if (oathtool === undefined) {
    try {
      execFileSync('oathtool', ['--version'], { stdio: 'ignore' });
      oathtool = true;
    } catch {
      oathtool = false;
    }
  }
  return oathtool;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const digit = BASE32.indexOf(ch);
    if (digit < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 6238 section 4 over RFC 4226 section 5.3 (dynamic truncation). */
export function rfc6238(key: Buffer, unixSeconds: number, { digits = 6, step = 30, algorithm = 'sha1' } = {}): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / step)));
  const mac = createHmac(algorithm, key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The 6-digit SHA-1 code for `secret` (base32) at the given Unix time. */
export function totpCode(secret: string, unixSeconds: number, via: 'oathtool' | 'node' = hasOathtool() ? 'oathtool' : 'node'): string {
  if (via === 'oathtool') return execFileSync('oathtool', ['--totp', '-b', '-N', `@${unixSeconds}`, secret]).toString().trim();
  return rfc6238(base32Decode(secret), unixSeconds);
}

export { hasOathtool };

const STEP = 30;
const stepNow = () => Math.floor(Date.now() / 1000 / STEP);

/**
 * Confirms with the code of the step before now, so that the current step's code stays fresh for
 * what the test does next. If the clock passed a step boundary between computing that code and
 * the server checking it, the code was two steps back (outside the ±1 window, RFC 6238 §5.2) and
 * is tried once more from the new step; a wrong server still fails both times.
 */
export async function confirmWithPreviousStep(secret: string, confirm: (code: string) => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const step = stepNow();
    const ok = await confirm(totpCode(secret, (step - 1) * STEP));
    if (ok || stepNow() === step || attempt === 1) return ok;
  }
}

/** Waits until at least `seconds` are left in the current step, for a code typed into a browser. */
export async function awayFromStepEnd(seconds = 5): Promise<void> {
  const left = STEP - ((Date.now() / 1000) % STEP);
  if (left < seconds) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 100));
}
