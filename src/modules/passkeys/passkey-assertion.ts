// A passkey assertion's verification (WebAuthn §7.2 steps 11-21) for a sign-in: the checks of
// @simplewebauthn/server's verifyAuthenticationResponse, in the same order, for the one origin
// and RP ID Gatehouse expects, with the library's own parsers (client data, authenticator data,
// COSE key). What differs is the signature: the library decodes the COSE key and imports it
// into WebCrypto on every call (~0.8 ms CPU per sign-in, measured by bench/passkey-sign-in.ts);
// here the key becomes a node:crypto KeyObject once per public key and is kept, so a sign-in
// pays one SHA-256 and one signature check. ES256, RS256 and EdDSA (the algorithms
// registration accepts: SUPPORTED_ALGORITHMS) take that path; any other key goes through the
// library's verifySignature unchanged. The counter (§6.1.1) is the caller's, after this.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { webauthnLibrary, type WebAuthnLibrary } from './webauthn-library.js';

/**
 * What registration offers (pubKeyCredParams) and accepts: each has a cached node:crypto check
 * below. IANA COSE Algorithms values: EdDSA -8, ES256 -7, RS256 -257 (RFC 9053, RFC 8812).
 */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257];

export interface AssertionInput {
  response: { clientDataJSON: string; authenticatorData: string; signature: string };
  expectedChallenge: string;
  expectedOrigin: string;
  expectedRPID: string;
  requireUserVerification: boolean;
  /** The stored COSE public key (§6.5.1.1). */
  publicKey: Uint8Array<ArrayBuffer>;
}

export type AssertionResult =
  | { ok: true; counter: number; userVerified: boolean; deviceType: 'singleDevice' | 'multiDevice'; backedUp: boolean }
  | { ok: false; reason: 'invalid' | 'user_verification_required' };

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
const INVALID = { ok: false, reason: 'invalid' } as const;

/** A node:crypto check for a key on the fast path; null sends the key to the library. */
type Check = { key: KeyObject; verify(data: Buffer, signature: Uint8Array): boolean } | null;

/** Public keys are public: the cache holds no secret. Bounded; the oldest entry leaves first. */
const KEYS_CACHED = 10_000;
const checks = new Map<string, Check>();

function checkFor(lib: WebAuthnLibrary, publicKey: Uint8Array<ArrayBuffer>): Check {
  const id = Buffer.from(publicKey).toString('base64');
  let check = checks.get(id);
  if (check === undefined) {
    // The library's COSEPublicKey types each kty's fields apart; read here as the CBOR map it is.
    check = importCheck(lib.cose, lib.decodeCredentialPublicKey(publicKey) as unknown as Map<number, unknown>);
    if (checks.size >= KEYS_CACHED) checks.delete(checks.keys().next().value!);
    checks.set(id, check);
  }
  return check;
}

function importCheck({ COSEALG, COSECRV, COSEKEYS, COSEKTY }: WebAuthnLibrary['cose'], key: Map<number, unknown>): Check {
  const b64 = (k: number) => Buffer.from(key.get(k) as Uint8Array).toString('base64url');
  const kty = key.get(COSEKEYS.kty);
  const alg = key.get(COSEKEYS.alg);
  if (kty === COSEKTY.EC2 && alg === COSEALG.ES256 && key.get(COSEKEYS.crv) === COSECRV.P256) {
    const k = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(COSEKEYS.x), y: b64(COSEKEYS.y) }, format: 'jwk' });
    // §6.3.3 / §5.8.5: ES256 signatures are ASN.1 DER (the library unwraps them for WebCrypto).
    return { key: k, verify: (data, sig) => verify('sha256', data, { key: k, dsaEncoding: 'der' }, sig) };
  }
  if (kty === COSEKTY.RSA && alg === COSEALG.RS256) {
    const k = createPublicKey({ key: { kty: 'RSA', n: b64(COSEKEYS.n), e: b64(COSEKEYS.e) }, format: 'jwk' });
    return { key: k, verify: (data, sig) => verify('sha256', data, k, sig) };
  }
  if (kty === COSEKTY.OKP && alg === COSEALG.EdDSA && key.get(COSEKEYS.crv) === COSECRV.ED25519) {
    const k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64(COSEKEYS.x) }, format: 'jwk' });
    return { key: k, verify: (data, sig) => verify(null, data, k, sig) };
  }
  return null;
}

/** Verifies one assertion; a refusal is a return value. */
export async function verifyAssertion(input: AssertionInput): Promise<AssertionResult> {
  const lib = await webauthnLibrary();
  const { decodeClientDataJSON, isoBase64URL, parseAuthenticatorData, verifySignature } = lib;
  try {
    const { response } = input;
    const client = decodeClientDataJSON(response.clientDataJSON);
    if (client.type !== 'webauthn.get' || client.challenge !== input.expectedChallenge) return INVALID;
    // A top origin only belongs to a cross-origin iframe, which this page never is (§5.8.1).
    if (client.topOrigin || client.origin !== input.expectedOrigin) return INVALID;
    if (!isoBase64URL.isBase64URL(response.authenticatorData) || !isoBase64URL.isBase64URL(response.signature)) return INVALID;
    if (client.tokenBinding && !['present', 'supported', 'notSupported'].includes(client.tokenBinding.status)) return INVALID;
    const authData = isoBase64URL.toBuffer(response.authenticatorData);
    const { rpIdHash, flags, counter } = parseAuthenticatorData(authData);
    if (!rpIdHash || !Buffer.from(rpIdHash).equals(sha256(Buffer.from(input.expectedRPID, 'ascii')))) return INVALID;
    if (!flags.up) return INVALID;
    if (input.requireUserVerification && !flags.uv) return { ok: false, reason: 'user_verification_required' };
    // §6.3.3: authenticatorData || SHA-256(clientDataJSON).
    const data = Buffer.concat([authData, sha256(isoBase64URL.toBuffer(response.clientDataJSON))]);
    const signature = isoBase64URL.toBuffer(response.signature);
    const check = checkFor(lib, input.publicKey);
    const verified = check ? check.verify(data, signature) : await verifySignature({ signature, data, credentialPublicKey: input.publicKey });
    if (!verified) return INVALID;
    // §6.1.3: backed up without being backup eligible is impossible; the library throws on it too.
    if (flags.bs && !flags.be) return INVALID;
    return { ok: true, counter: counter ?? 0, userVerified: flags.uv, deviceType: flags.be ? 'multiDevice' : 'singleDevice', backedUp: flags.bs };
  } catch {
    // A parser's throw (truncated authenticator data, a key that is not COSE, a bad signature encoding).
    return INVALID;
  }
}
