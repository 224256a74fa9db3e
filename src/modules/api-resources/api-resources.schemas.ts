// API resource input rules (RFC 8707 resource indicators). The identifier is what clients send
// as `resource` and what the JWT access tokens carry as `aud`.
import { z } from 'zod';
import { parseAbsoluteUri, text } from '../../http/validate.js';
import { OIDC_SCOPES } from '../../oidc/account.js';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export const createApiResourceSchema = z
  .object({
    // RFC 8707 §2: an absolute URI without a fragment.
    identifier: text().max(2000).superRefine((v, ctx) => {
      const { problem } = parseAbsoluteUri(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    name: text().trim().min(1).max(200),
    scopes: z
      .array(
        z.string().max(200).regex(SCOPE_TOKEN, 'a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)')
          // An OpenID scope name would be ambiguous in a request that also asks for this resource.
          .refine((s) => !(OIDC_SCOPES as readonly string[]).includes(s), 'is an OpenID Connect scope; choose another name'),
      )
      .min(1)
      .max(100)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a scope'),
    /** Lifetime of this API's access tokens, in seconds; the realm's access token lifetime by default. */
    accessTokenTtl: z.number().int().min(60).max(86_400).optional(),
  })
  .strict();

export type CreateApiResourceInput = z.input<typeof createApiResourceSchema>;

/** An API resource as the API answers it (api-resources.service.ts); the OpenAPI document's ApiResource. */
export const apiResourceViewSchema = z
  .object({
    id: z.uuid(),
    identifier: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    accessTokenTtl: z.number().int().nullable(),
    createdAt: z.iso.datetime(),
  })
  .strict()
  .meta({ id: 'ApiResource' });
