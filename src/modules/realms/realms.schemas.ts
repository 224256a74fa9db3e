// Realm input rules. A realm's name is a URL path segment and the suffix of its issuer, so it is
// restricted to lower-case DNS-label characters and never changes once created.
import { z } from 'zod';
import { text } from '../../http/validate.js';
import { REALM_NAME_PATTERN } from '../../realms/realm-scope.js';
import { accountSettingsPatchSchema, mfaPolicySchema, passwordPolicySchema, tokenLifetimesPatchSchema } from '../../realms/realm-settings.js';

const displayName = text().trim().min(1).max(200);

export const createRealmSchema = z
  .object({
    name: z.string().regex(REALM_NAME_PATTERN, 'lower-case letters, digits and hyphens, 1-63 characters, not starting or ending with a hyphen'),
    displayName: displayName.optional(),
    tokenLifetimes: tokenLifetimesPatchSchema.optional(),
    ...accountSettingsPatchSchema.shape,
  })
  .strict();

export const updateRealmSchema = z
  .object({ displayName: displayName.optional(), tokenLifetimes: tokenLifetimesPatchSchema.optional(), ...accountSettingsPatchSchema.shape })
  .strict();

export type CreateRealmInput = z.input<typeof createRealmSchema>;
export type UpdateRealmInput = z.input<typeof updateRealmSchema>;

const switchValue = z.enum(['enabled', 'disabled']);

/** A realm as the API answers it (realms.service.ts view); the OpenAPI document's Realm. */
export const realmViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    displayName: z.string(),
    /** The realm's OpenID Connect issuer; discovery is at {issuer}/.well-known/openid-configuration. */
    issuer: z.url(),
    tokenLifetimes: tokenLifetimesPatchSchema.required(),
    signUp: switchValue,
    magicLink: switchValue,
    requireVerifiedEmail: z.boolean(),
    passwordPolicy: z.object({ minLength: passwordPolicySchema.shape.minLength.unwrap() }).strict(),
    mailSenderName: z.string().nullable(),
    mfa: mfaPolicySchema,
    /** Days a browser may skip the second factor after "Remember this browser" (0: never). */
    mfaRememberDays: z.number().int().min(0),
    createdAt: z.iso.datetime(),
  })
  .strict()
  .meta({ id: 'Realm' });
