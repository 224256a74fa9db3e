// A realm's signing keys as the management API answers them: public facts only, never a private
// half (signing-keys.service.ts SigningKeyView), and the result of a rotation.
import { z } from 'zod';

export const signingKeyViewSchema = z
  .object({
    kid: z.string(),
    alg: z.string(),
    status: z.enum(['signing', 'next', 'retiring']).meta({ description: 'signing: signs tokens now; next: published, signs from activatesAt; retiring: verifies only, published until expiresAt.' }),
    activatesAt: z.iso.datetime(),
    retiredAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .strict()
  .meta({ id: 'SigningKey' });

/** POST /signing-keys/rotate (src/api/signing-keys.routes.ts). */
export const rotationSchema = z
  .object({
    kids: z.array(z.string()).meta({ description: 'The new keys, published now.' }),
    activatesAt: z.iso.datetime().meta({ description: 'When the new keys start signing.' }),
    retiring: z.array(z.string()).meta({ description: 'The keys they replace: they verify only from activatesAt.' }),
    oldKeysExpireAt: z.iso.datetime().meta({ description: 'When the replaced keys leave the JWKS (after the longest token lifetime).' }),
  })
  .strict()
  .meta({ id: 'SigningKeyRotation' });
