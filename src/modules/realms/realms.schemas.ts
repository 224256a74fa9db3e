// Realm input rules. A realm's name is a URL path segment and the suffix of its issuer, so it is
// restricted to lower-case DNS-label characters and never changes once created.
import { z } from 'zod';
import { text } from '../../http/validate.js';
import { REALM_NAME_PATTERN } from '../../realms/realm-scope.js';
import { accountSettingsPatchSchema, tokenLifetimesPatchSchema } from '../../realms/realm-settings.js';

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
