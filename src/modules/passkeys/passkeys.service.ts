// Passkeys (WebAuthn Level 3) with @simplewebauthn/server (assertions: its checks with a cached
// key, passkey-assertion.ts). The model:
// - RP ID is the host of BASE_URL, recorded on each credential and checked against that pinned
//   value (a BASE_URL moved to another host leaves old passkeys unusable, never misattributed);
//   the origin must be exactly BASE_URL's origin (WebAuthn §7.1 step 9, §7.2 step 13).
// - Attestation 'none' (§5.4.7): we do not ask which make of authenticator it is.
// - User verification 'preferred', except 'required' when the passkey is the only factor
//   (usernameless sign-in): then it must prove both possession and the user (NIST SP 800-63B
//   §5.1.8 multi-factor cryptographic authenticator).
// - Challenges: single use, 5 minutes, bound to realm, purpose and sign-in (passkey-challenges.ts).
// - Signature counter (§6.1.1): when either count is non-zero, the new one must be greater;
//   otherwise the credential may be cloned: refused and audited. Checked after the signature,
//   so only a genuine authenticator's data can raise the alarm.
// - Lookups are by (realm, credential id) only: realm B never accepts realm A's credential,
//   even under the same RP ID. At most MAX_PASSKEYS per user.
// Expected failures are return values with a stable code, never exceptions.
import type { RealmScope } from '../../realms/realm-scope.js';
import type { Actor } from '../audit/actor.js';
import { CHALLENGE_TTL_SECONDS, type Binding, type ChallengePurpose, type PasskeyChallenges } from './passkey-challenges.js';
import { SUPPORTED_ALGORITHMS, verifyAssertion } from './passkey-assertion.js';
import { webauthnLibrary, type WebAuthnLibrary } from './webauthn-library.js';
import { authenticationResponseSchema, challengeOf, registrationResponseSchema } from './passkeys.schemas.js';
import type { NewPasskey } from './passkeys.repo.js';

export const MAX_PASSKEYS = 20;

export type PasskeyFailure = { ok: false; status: 400 | 403 | 404 | 409; code: string; message: string };
const fail = (status: PasskeyFailure['status'], code: string, message: string): PasskeyFailure => ({ ok: false, status, code, message });
const CHALLENGE_GONE = () => fail(400, 'challenge_invalid', 'This passkey request has expired or was already used. Try again.');
const MALFORMED = () => fail(400, 'response_malformed', 'The passkey response is not valid.');
const NOT_VERIFIED = () => fail(400, 'verification_failed', 'The passkey could not be verified. Try again.');
const UNKNOWN = () => fail(400, 'passkey_unknown', 'This passkey is not registered for this sign-in. Use another sign-in method.');

/** RFC 8176 §2: hwk for a device-bound key, swk for one synced between devices; 'user' when user verification was done. */
export function amrOf(deviceType: string, userVerified: boolean): string[] {
  return [deviceType === 'multiDevice' ? 'swk' : 'hwk', ...(userVerified ? ['user'] : [])];
}

/** The WebAuthn user handle (§14.6.1: not personal data): the user's id. */
const userHandleOf = (userId: string) => new TextEncoder().encode(userId);

export function createPasskeysService(deps: { baseUrl: string; challenges: PasskeyChallenges }) {
  const { challenges } = deps;
  const origin = new URL(deps.baseUrl).origin;
  const rpID = new URL(deps.baseUrl).hostname;
  const timeout = CHALLENGE_TTL_SECONDS * 1000;
  const binding = (scope: RealmScope, purpose: ChallengePurpose, holder: string): Binding => ({ realmId: scope.realm.id, purpose, holder });

  return {
    rpID,
    origin,

    async registrationOptions(scope: RealmScope, user: { id: string; email: string; name?: string | null }, holder: string) {
      const existing = await scope.passkeys.listByUser(user.id);
      if (existing.length >= MAX_PASSKEYS) return fail(409, 'passkey_limit', `You already have ${MAX_PASSKEYS} passkeys. Remove one to add another.`);
      const { generateRegistrationOptions } = await webauthnLibrary();
      const options = await generateRegistrationOptions({
        rpName: scope.realm.displayName,
        rpID,
        userName: user.email,
        userDisplayName: user.name || user.email,
        userID: userHandleOf(user.id),
        timeout,
        attestationType: 'none',
        supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
        excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
        // Discoverable (resident) credentials: what makes usernameless sign-in possible (§6.3.1).
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
      await challenges.save(binding(scope, 'register', holder), { challenge: options.challenge, userId: user.id, requireUserVerification: false });
      return { ok: true as const, options };
    },

    /** `name`: what the user called it; empty gives "Passkey <n>". */
    async verifyRegistration(scope: RealmScope, userId: string, holder: string, body: unknown, name: string, actor: Actor) {
      const stored = await challenges.take(binding(scope, 'register', holder));
      const parsed = registrationResponseSchema.safeParse(body);
      if (!parsed.success) return MALFORMED();
      if (!stored || stored.userId !== userId || challengeOf(parsed.data.response.clientDataJSON) !== stored.challenge) return CHALLENGE_GONE();
      const { verifyRegistrationResponse } = await webauthnLibrary();
      let result: Awaited<ReturnType<WebAuthnLibrary['verifyRegistrationResponse']>>;
      try {
        result = await verifyRegistrationResponse({ response: parsed.data as never, expectedChallenge: stored.challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: false, supportedAlgorithmIDs: SUPPORTED_ALGORITHMS });
      } catch {
        return NOT_VERIFIED();
      }
      if (!result.verified) return NOT_VERIFIED();
      const info = result.registrationInfo;
      const passkey: NewPasskey = {
        userId,
        credentialId: info.credential.id,
        publicKey: info.credential.publicKey,
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        aaguid: info.aaguid,
        rpId: rpID,
        name: name.trim().slice(0, 60),
      };
      return scope.inTransaction(async (tx) => {
        // Counted again inside the write: two tabs registering at once still stop at the limit.
        const count = await tx.passkeys.countByUser(userId);
        if (count >= MAX_PASSKEYS) return fail(409, 'passkey_limit', `You already have ${MAX_PASSKEYS} passkeys. Remove one to add another.`);
        if (await tx.passkeys.findByCredentialId(passkey.credentialId)) return fail(409, 'passkey_exists', 'This passkey is already registered.');
        const created = await tx.passkeys.create({ ...passkey, name: passkey.name || `Passkey ${count + 1}` });
        await tx.audit.append({ ...actor, action: 'passkey.registered', target: `user:${userId}`, data: { passkeyId: created.id, deviceType: created.deviceType, backedUp: created.backedUp } });
        return { ok: true as const, passkey: created };
      });
    },

    /** Options for a sign-in (`login`: usernameless, any discoverable passkey) or a second factor (`mfa`: the user's own). */
    async authenticationOptions(scope: RealmScope, purpose: 'login' | 'mfa', holder: string, userId?: string) {
      const mine = purpose === 'mfa' && userId ? await scope.passkeys.listByUser(userId) : [];
      const requireUserVerification = purpose === 'login';
      const { generateAuthenticationOptions } = await webauthnLibrary();
      const options = await generateAuthenticationOptions({
        rpID,
        timeout,
        userVerification: requireUserVerification ? 'required' : 'preferred',
        allowCredentials: mine.map((p) => ({ id: p.credentialId, transports: p.transports })),
      });
      await challenges.save(binding(scope, purpose, holder), { challenge: options.challenge, userId, requireUserVerification });
      return options;
    },

    /** Verifies an assertion; for `mfa` the passkey must be `userId`'s. */
    async verifyAuthentication(scope: RealmScope, purpose: 'login' | 'mfa', holder: string, body: unknown, actor: Actor) {
      const stored = await challenges.take(binding(scope, purpose, holder));
      const parsed = authenticationResponseSchema.safeParse(body);
      if (!parsed.success) return MALFORMED();
      if (!stored || challengeOf(parsed.data.response.clientDataJSON) !== stored.challenge) return CHALLENGE_GONE();
      const passkey = await scope.passkeys.findByCredentialId(parsed.data.id);
      if (!passkey || (stored.userId && passkey.userId !== stored.userId)) return UNKNOWN();
      // §7.2 step 6: a user handle, when given, must be the credential's user.
      const handle = parsed.data.response.userHandle;
      if (handle && Buffer.from(handle, 'base64url').toString('utf8') !== passkey.userId) return UNKNOWN();
      const result = await verifyAssertion({
        response: parsed.data.response,
        expectedChallenge: stored.challenge,
        expectedOrigin: origin,
        expectedRPID: passkey.rpId,
        requireUserVerification: stored.requireUserVerification,
        publicKey: new Uint8Array(passkey.publicKey),
      });
      if (!result.ok && result.reason === 'user_verification_required') return fail(400, 'user_verification_required', 'Your device did not verify you (PIN, fingerprint or face). Try again.');
      if (!result.ok) return NOT_VERIFIED();
      const { counter: newCounter, userVerified, deviceType: credentialDeviceType } = result;
      const previous = passkey.counter;
      const forward = newCounter === 0 && previous === 0n ? true : BigInt(newCounter) > previous;
      if (!forward || !(await scope.passkeys.recordUse(passkey.id, previous, newCounter))) {
        await scope.audit.append({ ...actor, action: 'passkey.clone_suspected', target: `user:${passkey.userId}`, data: { passkeyId: passkey.id, storedCounter: Number(previous), receivedCounter: newCounter } });
        return fail(403, 'passkey_cloned', 'This passkey was refused: it may have been copied. Sign in another way and check your passkeys.');
      }
      const user = await scope.users.findById(passkey.userId);
      if (!user || user.disabled) return UNKNOWN();
      return { ok: true as const, user, passkey, amr: amrOf(credentialDeviceType, userVerified) };
    },

    list: (scope: RealmScope, userId: string) => scope.passkeys.listByUser(userId),
    async hasAny(scope: RealmScope, userId: string) {
      return (await scope.passkeys.countByUser(userId)) > 0;
    },
  };
}

export type PasskeysService = ReturnType<typeof createPasskeysService>;
