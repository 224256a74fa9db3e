// The JSON a browser posts back from navigator.credentials (WebAuthn §5.1, as
// PublicKeyCredential.toJSON() / @simplewebauthn/browser produce it), checked in shape and size
// before any cryptography: a malformed body is a 400 with a code, never an exception inside
// the verifier. The verifier then checks everything inside (signatures, flags, RP ID hash).
import { z } from 'zod';

const b64url = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+$/, 'base64url');

const common = {
  id: b64url(1366),
  rawId: b64url(1366),
  type: z.literal('public-key'),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};

export const registrationResponseSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url(4096),
    attestationObject: b64url(16_384),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }).passthrough(),
});

export const authenticationResponseSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url(4096),
    authenticatorData: b64url(4096),
    signature: b64url(1024),
    userHandle: b64url(128).optional(),
  }),
  // The credential is looked up by id: rawId must say the same (toJSON() encodes both alike).
}).refine((c) => c.id === c.rawId, 'id and rawId differ');

/** The challenge inside clientDataJSON (WebAuthn §5.8.1), or undefined when it is not JSON with one. */
export function challengeOf(clientDataJSON: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' ? parsed.challenge : undefined;
  } catch {
    return undefined;
  }
}

/** A passkey's name as a user gives it. */
export const passkeyName = z.string().trim().min(1).max(60);
