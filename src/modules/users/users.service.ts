// Users of one realm: emails are unique per realm (case-insensitive), passwords hashed with argon2id.
import { z } from 'zod';
import { emailAddress } from './email-address.js';
import { Prisma, type User } from '../../generated/prisma/client.js';
import { problems } from '../../http/problem.js';
import { parseOrThrow, text } from '../../http/validate.js';
import type { RealmScope } from '../../realms/realm-scope.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordHasher } from '../../security/passwords.js';
import type { Actor } from '../audit/actor.js';

export const createUserSchema = z
  .object({
    email: emailAddress(),
    password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH).optional(),
    emailVerified: z.boolean().default(false),
    name: text().trim().min(1).max(200).optional(),
    givenName: text().trim().min(1).max(100).optional(),
    familyName: text().trim().min(1).max(100).optional(),
  })
  .strict();

/**
 * A page of users (GET /users, `gatehouse user search`): `email`, one exact address; `q`, part of
 * an email or name. Bounded, single-valued (a repeated parameter is an array: refused), one or the other.
 */
export const listUsersQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.uuid().transform((s) => s.toLowerCase()).optional(),
    email: emailAddress().optional(),
    q: text().trim().min(1).max(100).optional(),
  })
  .refine((o) => o.email === undefined || o.q === undefined, { message: 'Use either email or q, not both.', path: ['q'] });

export type CreateUserInput = z.input<typeof createUserSchema>;

export interface UserView {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  disabled: boolean;
  createdAt: string;
}

export function toUserView(u: User): UserView {
  return { id: u.id, email: u.email, emailVerified: u.emailVerified, name: u.name, givenName: u.givenName, familyName: u.familyName, disabled: u.disabled, createdAt: u.createdAt.toISOString() };
}

export function createUsersService(scope: RealmScope, passwords: PasswordHasher) {
  return {
    async create(input: CreateUserInput, actor: Actor) {
      const data = parseOrThrow(createUserSchema, input);
      const { password, ...profile } = data;
      const passwordHash = password ? await passwords.hash(password) : undefined;
      try {
        const user = await scope.inTransaction(async (tx) => {
          const created = await tx.users.create({ ...profile, passwordHash });
          await tx.audit.append({ ...actor, action: 'user.created', target: `user:${created.id}` });
          return created;
        });
        return toUserView(user);
      } catch (err) {
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
          throw problems.conflict('email_taken', 'A user with this email already exists in this realm.');
        }
        throw err;
      }
    },
    async get(id: string) {
      const user = await scope.users.findById(id).catch(() => null);
      return user ? toUserView(user) : null;
    },
    /** A page of users in id order; `email`: only that address (exact, any case); `q`: email or name containing it. */
    async list(take: number, cursor?: string, filter: { email?: string; q?: string } = {}) {
      if (filter.email !== undefined) {
        const user = await scope.users.findByEmail(filter.email);
        return user && (!cursor || user.id > cursor) ? [toUserView(user)] : [];
      }
      const users = filter.q !== undefined ? await scope.users.search({ text: filter.q, take, cursor }) : await scope.users.list({ take, cursor });
      return users.map(toUserView);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
