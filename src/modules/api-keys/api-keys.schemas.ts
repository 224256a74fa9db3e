// API keys as the management API answers them (api-keys.service.ts ApiKeyView, GET /me): the
// OpenAPI document's ApiKey, NewApiKey and Me. The secret part of a key is only in NewApiKey.
import { z } from 'zod';
import { API_KEY_SCOPES } from './api-key-scopes.js';

const KEY_KINDS = ['platform', 'realm'] as const;
const scopes = z.array(z.enum(API_KEY_SCOPES));

export const apiKeyViewSchema = z
  .object({
    id: z.uuid(),
    prefix: z.string().meta({ description: 'The key\'s public part (`gh_pk_…`, `gh_rk_…`): how it is named in lists, audit events and DELETE.' }),
    kind: z.enum(KEY_KINDS),
    name: z.string(),
    scopes,
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable(),
  })
  .strict()
  .meta({ id: 'ApiKey' });

/** A new key: `key` is the whole secret, shown this once and stored only hashed. */
export const newApiKeySchema = apiKeyViewSchema.extend({ key: z.string() }).strict().meta({ id: 'NewApiKey' });

const meBase = { prefix: z.string(), scopes, expiresAt: z.iso.datetime().nullable() };

/** GET /me: the calling key, and whose it is. */
export const meSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('platform'), ...meBase, ownerId: z.uuid().meta({ description: 'The developer account that owns the key.' }) }).strict(),
    z.object({ kind: z.literal('realm'), ...meBase, realm: z.object({ id: z.uuid(), name: z.string() }).strict().nullable() }).strict(),
  ])
  .meta({ id: 'Me' });
