// /realms/{realm}/users: a realm's users, their passwords, sessions and second factors.
import { z } from 'zod';
import { acceptedSchema } from '../../modules/direct-auth/direct-auth.schemas.js';
import { factorViewSchema } from '../../modules/mfa/mfa.schemas.js';
import type { FactorView } from '../../modules/mfa/mfa.service.js';
import { setPasswordSchema, updateUserSchema } from '../../modules/users/user-admin.service.js';
import { userViewSchema } from '../../modules/users/users.schemas.js';
import { createUserSchema, listUsersQuery, type UserView } from '../../modules/users/users.service.js';
import type { ApiArea } from './operations.js';
import { describes, list, page } from './shapes.js';

const user = describes<UserView>()(userViewSchema);
const factor = describes<FactorView>()(factorViewSchema);
const userNotFound = { 404: ['not_found'] };

/** The route's own query schema, each parameter described for the reference. */
const { limit, cursor, email, q } = listUsersQuery.shape;
const usersQuery = z.object({
  limit: limit.meta({ description: 'Page size.' }),
  cursor: cursor.meta({ description: 'The `nextCursor` of the previous page.' }),
  email: email.meta({ description: 'Exactly this address (case-insensitive).' }),
  q: q.meta({ description: 'Part of an email address or name. Not with `email`.' }),
});

export const usersDocs: ApiArea = {
  tag: 'Users',
  description: 'The end users of one realm. A user id from another realm is 404, like one that never existed.',
  operations: [
    {
      method: 'get', path: '/realms/{realm}/users', operationId: 'listUsers', summary: 'Search a realm\'s users, one page at a time', scopes: ['users:read'], query: usersQuery,
      responses: { 200: { description: 'A page of users, by id.', schema: page(user) } },
      problems: { 400: ['validation_failed'], 404: ['not_found'] },
    },
    {
      method: 'post', path: '/realms/{realm}/users', operationId: 'createUser', summary: 'Create a user', scopes: ['users:write'], body: createUserSchema,
      responses: { 201: { description: 'The new user.', schema: user, location: true } },
      problems: { 404: ['not_found'], 409: ['email_taken'] },
    },
    { method: 'get', path: '/realms/{realm}/users/{id}', operationId: 'getUser', summary: 'Read a user', scopes: ['users:read'], responses: { 200: { description: 'The user.', schema: user } }, problems: userNotFound },
    {
      method: 'patch', path: '/realms/{realm}/users/{id}', operationId: 'updateUser', summary: 'Change a user\'s profile or state', scopes: ['users:write'], body: updateUserSchema,
      description: 'A changed email is unverified unless `emailVerified` is sent too; a verification mail then goes out. `disabled: true` signs the user out everywhere.',
      responses: { 200: { description: 'The user after the change.', schema: user } },
      problems: { ...userNotFound, 409: ['email_taken'] },
    },
    { method: 'delete', path: '/realms/{realm}/users/{id}', operationId: 'deleteUser', summary: 'Delete a user and end their sessions', scopes: ['users:write'], responses: { 204: { description: 'Deleted.' } }, problems: { ...userNotFound, 409: ['user_owns_realms'] } },
    {
      method: 'post', path: '/realms/{realm}/users/{id}/password', operationId: 'setUserPassword', summary: 'Set a user\'s password', scopes: ['users:write'], body: setPasswordSchema,
      description: 'The realm\'s password policy applies (field codes in `errors`). Pending reset and set-password links stop working.',
      responses: { 204: { description: 'Set.' } }, problems: userNotFound,
    },
    {
      method: 'post', path: '/realms/{realm}/users/{id}/sessions/revoke', operationId: 'revokeUserSessions', summary: 'Sign a user out everywhere', scopes: ['users:write'],
      description: 'Ends every session and grant, revoking the tokens issued under them. No body (or `{}`).',
      responses: { 204: { description: 'Signed out.' } }, problems: { 400: ['validation_failed'], ...userNotFound },
    },
    {
      method: 'post', path: '/realms/{realm}/users/{id}/password-setup', operationId: 'sendPasswordSetup', summary: 'Mail a user a link to set their password', scopes: ['users:write'],
      description: 'For users created without a password. No body (or `{}`).',
      responses: { 202: { description: 'The mail is queued.' } },
      problems: { 400: ['validation_failed'], ...userNotFound, 409: ['password_exists', 'user_disabled', 'mail_not_configured'] },
    },
    {
      method: 'post', path: '/realms/{realm}/users/{id}/email-verifications', operationId: 'sendEmailVerification', summary: 'Mail a user a new email verification link', scopes: ['users:write'],
      responses: { 202: { description: 'The mail is queued.', schema: acceptedSchema } },
      problems: { ...userNotFound, 409: ['email_already_verified'] },
    },
    { method: 'get', path: '/realms/{realm}/users/{id}/factors', operationId: 'listUserFactors', summary: 'List a user\'s second factors', scopes: ['users:read'], responses: { 200: { description: 'The enrolled factors.', schema: list(factor) } }, problems: userNotFound },
    { method: 'delete', path: '/realms/{realm}/users/{id}/factors', operationId: 'resetUserFactors', summary: 'Remove all of a user\'s second factors (reset MFA)', scopes: ['users:write'], responses: { 204: { description: 'Removed; the user enrolls again when a sign-in requires it.' } }, problems: userNotFound },
    {
      method: 'delete', path: '/realms/{realm}/users/{id}/factors/passkey/{passkeyId}', operationId: 'removeUserPasskey', summary: 'Remove one of a user\'s passkeys', scopes: ['users:write'],
      params: z.object({ passkeyId: z.uuid().meta({ description: 'The passkey\'s `id`, as the factor list shows it.' }) }),
      description: '`DELETE .../factors/passkey` removes all of them.',
      responses: { 204: { description: 'Removed.' } }, problems: userNotFound,
    },
    { method: 'delete', path: '/realms/{realm}/users/{id}/factors/{type}', operationId: 'removeUserFactor', summary: 'Remove one of a user\'s second factors', scopes: ['users:write'], responses: { 204: { description: 'Removed.' } }, problems: userNotFound },
  ],
};
