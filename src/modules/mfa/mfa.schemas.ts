// A user's second factor as the management API answers it (mfa.service.ts FactorView).
import { z } from 'zod';
import { FACTOR_TYPES } from './mfa.service.js';

export const factorViewSchema = z
  .object({
    type: z.enum(FACTOR_TYPES),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    /** recovery_codes: how many are unused. */
    remaining: z.number().int().min(0).optional(),
    /** passkey: one entry per passkey, with its id (to remove it alone) and name. */
    id: z.uuid().optional(),
    name: z.string().optional(),
  })
  .strict()
  .meta({ id: 'Factor' });
