// /realms/{realm}/auth: direct authentication, for a first-party backend that signs its users
// up and in without a redirect (src/api/auth.routes.ts).
import { z } from 'zod';
import { acceptedSchema, magicLinkExchangeSchema, magicLinkSchema, passwordResetSchema, signInSchema, signUpSchema, tokenResponseSchema } from '../../modules/direct-auth/direct-auth.schemas.js';
import type { TokenResponse } from '../../modules/direct-auth/token-mint.js';
import { userViewSchema } from '../../modules/users/users.schemas.js';
import type { ApiArea } from './operations.js';
import { describes } from './shapes.js';

const tokens = describes<TokenResponse>()(tokenResponseSchema);
/** The problems of every call that signs someone in for an app. */
const appProblems = { 400: ['invalid_client', 'invalid_scope', 'invalid_resource'], 403: ['direct_auth_disabled'], 404: ['not_found'] };

export const directAuthDocs: ApiArea = {
  tag: 'Direct authentication',
  description: 'For your own backend (a first-party confidential app with `directAuth: true`): sign users up and in with the realm\'s real tokens, no redirect. Pass the end user\'s IP as `endUserIp`: the throttles key on it.',
  operations: [
    {
      method: 'post', path: '/realms/{realm}/auth/sign-up', operationId: 'signUp', summary: 'Sign a new user up (and in)', body: signUpSchema, scopes: ['auth:direct'],
      responses: {
        201: {
          description: '`tokens` is null while the user must still verify their email or enroll a second factor.',
          schema: z.object({ user: userViewSchema, tokens: tokens.nullable() }).strict(),
          location: true,
        },
      },
      problems: { ...appProblems, 409: ['email_taken'] },
    },
    {
      method: 'post', path: '/realms/{realm}/auth/sign-in', operationId: 'signIn', summary: 'Sign a user in with email and password', body: signInSchema, scopes: ['auth:direct'],
      responses: { 200: { description: 'The RFC 6749 §5.1 token response.', schema: tokens } },
      problems: { ...appProblems, 401: ['invalid_credentials'], 403: ['direct_auth_disabled', 'email_not_verified', 'mfa_required'] },
    },
    {
      method: 'post', path: '/realms/{realm}/auth/magic-links', operationId: 'sendMagicLink', summary: 'Mail a sign-in link that returns to your redirect URI with a code', body: magicLinkSchema, scopes: ['auth:direct'],
      description: 'Answers 202 for any address: whether it is registered is not revealed.',
      responses: { 202: { description: 'Accepted.', schema: acceptedSchema } },
      problems: { ...appProblems, 400: ['invalid_client', 'invalid_redirect_uri'] },
    },
    {
      method: 'post', path: '/realms/{realm}/auth/magic-links/exchange', operationId: 'exchangeMagicLinkCode', summary: 'Exchange a sign-in link\'s code for tokens', body: magicLinkExchangeSchema, scopes: ['auth:direct'],
      responses: { 200: { description: 'The RFC 6749 §5.1 token response.', schema: tokens } },
      problems: { ...appProblems, 400: ['invalid_client', 'invalid_code', 'invalid_resource', 'invalid_scope'], 403: ['direct_auth_disabled', 'email_not_verified', 'mfa_required'] },
    },
    {
      method: 'post', path: '/realms/{realm}/auth/password-resets', operationId: 'sendPasswordReset', summary: 'Mail a password reset link', body: passwordResetSchema, scopes: ['auth:direct'],
      description: 'Answers 202 for any address: whether it is registered is not revealed.',
      responses: { 202: { description: 'Accepted.', schema: acceptedSchema } },
      problems: { 404: ['not_found'] },
    },
  ],
};
