// The server's assertion check (src/modules/passkeys/passkey-assertion.ts) against
// @simplewebauthn/server's verifyAuthenticationResponse, on the same inputs: ES256, RS256 and
// EdDSA keys (the cached node:crypto path), ES384 (the library's path), and each way an
// assertion can be wrong. Both must agree on every case, and on what a good one reports.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { cose, isoCBOR } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_ALGORITHMS, verifyAssertion } from '../../src/modules/passkeys/passkey-assertion.js';

const ORIGIN = 'https://id.example.com';
const RP_ID = 'id.example.com';
const CHALLENGE = Buffer.from('a challenge of thirty-two bytes.').toString('base64url');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10 };

interface Key { name: string; privateKey: KeyObject; cose: Uint8Array<ArrayBuffer>; hash: string | null }

function key(name: string): Key {
  const bytes = (s?: string) => Buffer.from(s!, 'base64url');
  const coseOf = (entries: [number, unknown][]) => new Uint8Array(isoCBOR.encode(new Map(entries) as never));
  if (name === 'RS256') {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const j = publicKey.export({ format: 'jwk' });
    return { name, privateKey, hash: 'sha256', cose: coseOf([[1, 3], [3, -257], [-1, bytes(j.n)], [-2, bytes(j.e)]]) };
  }
  if (name === 'EdDSA') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { name, privateKey, hash: null, cose: coseOf([[1, 1], [3, -8], [-1, 6], [-2, bytes(publicKey.export({ format: 'jwk' }).x)]]) };
  }
  const [curve, crv, alg, hash] = name === 'ES256' ? ['P-256', 1, -7, 'sha256'] : ['P-384', 2, -35, 'sha384'];
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const j = publicKey.export({ format: 'jwk' });
  return { name, privateKey, hash, cose: coseOf([[1, 2], [3, alg], [-1, crv], [-2, bytes(j.x)], [-3, bytes(j.y)]]) };
}

type Change = { flags?: number; rpId?: string; client?: Record<string, unknown>; authData?: (b: Buffer) => Buffer; signed?: (b: Buffer) => Buffer; p1363?: boolean };

function assertion(k: Key, change: Change = {}) {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(7);
  const authData = (change.authData ?? ((b) => b))(Buffer.concat([sha256(Buffer.from(change.rpId ?? RP_ID)), Buffer.from([change.flags ?? FLAGS.UP | FLAGS.UV]), count]));
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: CHALLENGE, origin: ORIGIN, crossOrigin: false, ...change.client }));
  const data = (change.signed ?? ((b) => b))(Buffer.concat([authData, sha256(clientDataJSON)]));
  const signature = sign(k.hash, data, change.p1363 ? { key: k.privateKey, dsaEncoding: 'ieee-p1363' } : k.privateKey);
  return { clientDataJSON: clientDataJSON.toString('base64url'), authenticatorData: authData.toString('base64url'), signature: signature.toString('base64url') };
}

async function library(k: Key, response: ReturnType<typeof assertion>, requireUserVerification: boolean) {
  try {
    const r = await verifyAuthenticationResponse({
      response: { id: 'AAAA', rawId: 'AAAA', type: 'public-key', clientExtensionResults: {}, response },
      expectedChallenge: CHALLENGE, expectedOrigin: ORIGIN, expectedRPID: RP_ID, requireUserVerification,
      credential: { id: 'AAAA', publicKey: k.cose, counter: 0 },
    });
    const i = r.authenticationInfo;
    return r.verified ? { ok: true, counter: i.newCounter, userVerified: i.userVerified, deviceType: i.credentialDeviceType, backedUp: i.credentialBackedUp } : { ok: false, reason: 'invalid' };
  } catch (err) {
    return { ok: false, reason: /user verification required/i.test((err as Error).message) ? 'user_verification_required' : 'invalid' };
  }
}

const cases: [string, Change, boolean, boolean][] = [
  // [what, change, requireUserVerification, accepted]
  ['a good assertion', {}, true, true],
  ['no user verification when it is not required', { flags: FLAGS.UP }, false, true],
  ['a synced passkey (backup eligible, backed up)', { flags: FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS }, true, true],
  ['no user verification when it is required', { flags: FLAGS.UP }, true, false],
  ['no user presence', { flags: FLAGS.UV }, true, false],
  ['backed up but not backup eligible', { flags: FLAGS.UP | FLAGS.UV | FLAGS.BS }, true, false],
  ['another RP ID', { rpId: 'evil.example.com' }, true, false],
  ['another origin', { client: { origin: 'https://id.example.com.evil' } }, true, false],
  ['a registration, not an assertion', { client: { type: 'webauthn.create' } }, true, false],
  ['another challenge', { client: { challenge: 'b3RoZXI' } }, true, false],
  ['a top origin outside an iframe', { client: { topOrigin: 'https://evil.example' } }, true, false],
  ['a cross-origin iframe', { client: { crossOrigin: true, topOrigin: 'https://evil.example' } }, true, false],
  ['a bad token binding', { client: { tokenBinding: { status: 'nonsense' } } }, true, false],
  ['a signature over other data', { signed: (b) => Buffer.concat([b, Buffer.from([0])]) }, true, false],
  ['truncated authenticator data', { authData: (b) => b.subarray(0, 36) }, true, false],
];

describe('passkey assertion check, against the library', () => {
  for (const name of ['ES256', 'RS256', 'EdDSA', 'ES384']) {
    it(`${name}: agrees with verifyAuthenticationResponse on every case`, async () => {
      const k = key(name);
      for (const [what, change, uv, accepted] of cases) {
        const response = assertion(k, change);
        const ours = await verifyAssertion({ response, expectedChallenge: CHALLENGE, expectedOrigin: ORIGIN, expectedRPID: RP_ID, requireUserVerification: uv, publicKey: k.cose });
        expect(ours, `${name}: ${what}`).toEqual(await library(k, response, uv));
        expect(ours.ok, `${name}: ${what}`).toBe(accepted);
      }
      // Twice with the same key: the second check runs on the cached key.
      const again = await verifyAssertion({ response: assertion(k), expectedChallenge: CHALLENGE, expectedOrigin: ORIGIN, expectedRPID: RP_ID, requireUserVerification: true, publicKey: k.cose });
      expect(again.ok).toBe(true);
    });
  }

  it('ES256: refuses a raw (P1363) signature, as the library does: WebAuthn signatures are DER', async () => {
    const k = key('ES256');
    const response = assertion(k, { p1363: true });
    const ours = await verifyAssertion({ response, expectedChallenge: CHALLENGE, expectedOrigin: ORIGIN, expectedRPID: RP_ID, requireUserVerification: true, publicKey: k.cose });
    expect(ours).toEqual({ ok: false, reason: 'invalid' });
    expect(await library(k, response, true)).toEqual(ours);
  });

  it('registration accepts exactly the algorithms with a cached check: EdDSA, ES256, RS256', () => {
    expect(SUPPORTED_ALGORITHMS).toEqual([cose.COSEALG.EdDSA, cose.COSEALG.ES256, cose.COSEALG.RS256]);
  });

  it('refuses a stored key that is not a COSE key', async () => {
    const k = key('ES256');
    const ours = await verifyAssertion({ response: assertion(k), expectedChallenge: CHALLENGE, expectedOrigin: ORIGIN, expectedRPID: RP_ID, requireUserVerification: true, publicKey: new Uint8Array([1, 2, 3]) });
    expect(ours).toEqual({ ok: false, reason: 'invalid' });
  });
});
