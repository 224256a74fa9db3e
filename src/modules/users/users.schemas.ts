// Users as the management API answers them (users.service.ts toUserView). Request rules stay
// beside the service that applies them (createUserSchema, updateUserSchema, listUsersQuery).
import { z } from 'zod';

export const userViewSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    emailVerified: z.boolean(),
    name: z.string().nullable(),
    givenName: z.string().nullable(),
    familyName: z.string().nullable(),
    disabled: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .strict()
  .meta({ id: 'User' });
