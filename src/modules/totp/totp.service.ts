// TOTP (RFC 6238) with its defaults: HMAC-SHA-1, 6 digits, 30 s steps, one step of tolerance
// either side (§5.2, clock drift), computed by otplib. A code is accepted once: the newest used
// time step is stored and only a later step passes (replay refusal, §5.2). The secret (160 bits,
// RFC 4226 §4 R6) is sealed at rest, bound to its realm and user (a sealed value copied to
// another row does not open). Enrollment: a pending secret, active after one correct code.
import { nodeCrypto } from './node-crypto.js';
import { createSealer } from '../../security/encryption.js';
import type { RealmScope } from '../../realms/realm-scope.js';

const STEP_SECONDS = 30;
// Loaded with the first enrollment or check, not at start-up (~0.1 s together).
let otplib: Promise<typeof import('otplib')> | undefined;
const loadOtplib = () => (otplib ??= import('otplib'));
const loadQrCode = () => import('qrcode').then((m) => m.default);
/** A 6-digit code, spaces allowed ("123 456" as some apps show it). */
const normalize = (code: string) => code.replace(/\s+/g, '');
const CODE = /^[0-9]{6}$/;

export function createTotpService(masterKey: Buffer) {
  const sealer = createSealer(masterKey, 'totp');
  const bound = (scope: RealmScope, userId: string) => `${scope.realm.id}:${userId}`;

  /** The time step a code belongs to (within ±1 step of now), or null. */
  async function stepOf(secret: string, code: string): Promise<number | null> {
    const token = normalize(code);
    if (!CODE.test(token)) return null;
    const { verify } = await loadOtplib();
    const result = await verify({ secret, token, epochTolerance: STEP_SECONDS, crypto: nodeCrypto });
    return result.valid && 'timeStep' in result && typeof result.timeStep === 'number' ? result.timeStep : null;
  }

  return {
    /** Whether the user has an active (confirmed) authenticator. */
    async isEnrolled(scope: RealmScope, userId: string) {
      return Boolean((await scope.totp.find(userId))?.confirmedAt);
    },

    /**
     * Starts (or resumes) enrollment: the pending secret, its otpauth:// URI and that URI as a QR
     * code (an SVG data URL, drawn here: the secret never goes to an outside service).
     */
    async begin(scope: RealmScope, user: { id: string; email: string }) {
      const current = await scope.totp.find(user.id);
      if (current?.confirmedAt) return null;
      const [{ generateSecret, generateURI }, QRCode] = await Promise.all([loadOtplib(), loadQrCode()]);
      let secret = current ? sealer.open(current.secret, bound(scope, user.id)) : '';
      if (!secret) {
        secret = generateSecret({ length: 20 });
        await scope.totp.savePending(user.id, sealer.seal(secret, bound(scope, user.id)));
      }
      const uri = generateURI({ issuer: scope.realm.displayName, label: user.email, secret });
      const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { secret, uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
    },

    /** Checks a code against the pending (confirm) or active secret and uses its step. */
    async check(scope: RealmScope, userId: string, code: string, mode: 'confirm' | 'verify'): Promise<boolean> {
      const current = await scope.totp.find(userId);
      if (!current || Boolean(current.confirmedAt) !== (mode === 'verify')) return false;
      const step = await stepOf(sealer.open(current.secret, bound(scope, userId)), code);
      if (step === null) return false;
      if (current.lastTimeStep !== null && step <= current.lastTimeStep) return false;
      return scope.totp.useStep(userId, step, mode === 'confirm');
    },
  };
}

export type TotpService = ReturnType<typeof createTotpService>;
