// A software passkey authenticator for tests and benches, on node:crypto P-256 (ES256, COSE
// alg -7): makes the registration and assertion responses a browser would post (WebAuthn §6.1
// authenticator data, §6.5 attestation 'none', §6.3.3 assertion signature over authData ||
// SHA-256(clientDataJSON)), as PublicKeyCredential.toJSON() shapes them. Written here from the
// spec, not with the server library, so it checks the server rather than agreeing with it.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();
const b64url = (data: Buffer) => data.toString('base64url');

/** The little CBOR (RFC 8949) an attestation needs: unsigned/negative ints, byte and text strings, maps. */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Map) return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new Error(`cbor: unsupported ${typeof value}`);
}

const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 };

export interface SoftwareAuthenticatorOptions {
  origin: string;
  /** Defaults to the origin's host. */
  rpId?: string;
  userVerified?: boolean;
  /** Backup eligible and backed up: a synced passkey (device type multiDevice, amr swk). */
  synced?: boolean;
  /** Signature counter of the first assertion; each assertion adds 1. 0 with `noCounter`. */
  noCounter?: boolean;
}

export interface Options {
  challenge: string;
  user?: { id: string };
}

export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly key: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  counter = 0;
  userHandle?: string;

  constructor(private readonly opts: SoftwareAuthenticatorOptions) {}

  get id() {
    return b64url(this.credentialId);
  }

  private flags(extra: number) {
    return FLAG.UP | (this.opts.userVerified === false ? 0 : FLAG.UV) | (this.opts.synced ? FLAG.BE | FLAG.BS : 0) | extra;
  }

  private authData(extra: number, attested?: Buffer) {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    const rpIdHash = sha256(Buffer.from(this.opts.rpId ?? new URL(this.opts.origin).hostname));
    return Buffer.concat([rpIdHash, Buffer.from([this.flags(extra)]), count, ...(attested ? [attested] : [])]);
  }

  private clientData(type: string, challenge: string, origin = this.opts.origin) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** The response to registration options (navigator.credentials.create). */
  register(options: Options, overrides: { origin?: string } = {}) {
    this.userHandle = options.user?.id;
    const jwk = this.key.publicKey.export({ format: 'jwk' });
    const coseKey = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, coseKey]);
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', this.authData(FLAG.AT, attested)]]));
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: { clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge, overrides.origin)), attestationObject: b64url(attestationObject), transports: ['internal'] },
    };
  }

  /** The response to authentication options (navigator.credentials.get); the counter moves on unless `counter` is given. */
  assert(options: Options, overrides: { origin?: string; counter?: number } = {}) {
    if (overrides.counter !== undefined) this.counter = overrides.counter;
    else if (!this.opts.noCounter) this.counter += 1;
    const authData = this.authData(0);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, overrides.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.key.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), ...(this.userHandle ? { userHandle: this.userHandle } : {}) },
    };
  }
}
