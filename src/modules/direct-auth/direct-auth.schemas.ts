// Request bodies of the direct authentication API (src/api/auth.routes.ts). Every field is
// bounded, so bad input is a 400 naming the field, never a 500.
import { z } from 'zod';
import { text } from '../../http/validate.js';
import { OIDC_SCOPES } from '../../oidc/account.js';
import { PASSWORD_MAX_LENGTH } from '../../security/passwords.js';
import { emailAddress } from '../users/email-address.js';

const clientId = text().min(1).max(200);
/** The end user's address as the backend saw it: the throttles key on it (never on the backend's own address). */
const endUserIp = z.union([z.ipv4(), z.ipv6()]).optional();
/** RFC 6749 §3.3 scope tokens, space-separated. */
const scope = text()
  .max(2000)
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'space-separated scope tokens')
  .optional();
/** RFC 8707 §2: an absolute URI of a registered API resource. */
const resource = text().max(2000).optional();

/** Which tokens a sign-in asks for: the app's default scopes unless `scope` says otherwise. */
const tokenRequest = { scope, resource };

export const signUpSchema = z
  .object({
    clientId,
    email: emailAddress(),
    // The realm's policy (password-policy.ts) gives the per-field messages; this only bounds the size.
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH * 4),
    name: text().trim().min(1).max(200).optional(),
    endUserIp,
    ...tokenRequest,
  })
  .strict();

export const signInSchema = z
  .object({ clientId, email: emailAddress(), password: z.string().min(1).max(PASSWORD_MAX_LENGTH), endUserIp, ...tokenRequest })
  .strict();

export const magicLinkSchema = z
  .object({ clientId, email: emailAddress(), redirectUri: text().min(1).max(2000), state: text().min(1).max(500).optional(), endUserIp })
  .strict();

export const magicLinkExchangeSchema = z.object({ clientId, code: text().min(1).max(200), ...tokenRequest }).strict();

export const passwordResetSchema = z.object({ email: emailAddress(), endUserIp }).strict();

/** Scopes outside the realm's user scopes must belong to the requested API resource (checked when minting). */
export const KNOWN_USER_SCOPES: ReadonlySet<string> = new Set(OIDC_SCOPES);

/** RFC 6749 §5.1 access token response (token-mint.ts TokenResponse); id_token per OpenID Connect Core §3.1.3.3. */
export const tokenResponseSchema = z
  .object({
    access_token: z.string(),
    token_type: z.string(),
    expires_in: z.number().int(),
    refresh_token: z.string().optional(),
    id_token: z.string().optional(),
    scope: z.string(),
  })
  .strict()
  .meta({ id: 'TokenResponse' });

/** 202 for any address: whether one is registered is not revealed (no user enumeration). */
export const acceptedSchema = z.object({ status: z.literal('accepted') }).strict().meta({ id: 'Accepted' });
