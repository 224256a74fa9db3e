// /api-keys (a developer's platform keys) and /realms/{realm}/api-keys (one realm's keys).
import { apiKeyViewSchema, newApiKeySchema } from '../../modules/api-keys/api-keys.schemas.js';
import type { ApiKeyView } from '../../modules/api-keys/api-keys.service.js';
import { createKeySchema } from '../api-keys.routes.js';
import type { ApiArea, ApiOperation } from './operations.js';
import { describes, page, pageQuery } from './shapes.js';

const apiKey = describes<ApiKeyView>()(apiKeyViewSchema);

const CREATE_DESCRIPTION = 'The whole `key` is in this answer only; it is stored hashed. `scopes` defaults to every scope of the calling key, and a key can only grant scopes it holds (403 `insufficient_scope` naming the first it lacks).';

/** List, create and revoke at `base`; `problems` adds what that collection answers besides. */
function keyOperations(base: string, names: { list: string; create: string; revoke: string }, whose: { all: string; one: string }, problems: Record<number, string[]>): ApiOperation[] {
  return [
    {
      method: 'get', path: base, operationId: names.list, summary: `List ${whose.all} API keys, one page at a time`, query: pageQuery(), scopes: ['api-keys:read'],
      responses: { 200: { description: 'A page of keys, newest first: prefixes, never secrets.', schema: page(apiKey) } },
      problems: { ...problems, 400: ['validation_failed'] },
    },
    {
      method: 'post', path: base, operationId: names.create, summary: `Create ${whose.one} API key`, body: createKeySchema, scopes: ['api-keys:write'], description: CREATE_DESCRIPTION,
      responses: { 201: { description: 'The new key, with its secret.', schema: newApiKeySchema } },
      problems,
    },
    {
      method: 'delete', path: `${base}/{prefix}`, operationId: names.revoke, summary: `Revoke one of ${whose.all} API keys`, scopes: ['api-keys:write'],
      description: 'It is refused from then on.',
      responses: { 204: { description: 'Revoked.' } },
      problems: { ...problems, 404: ['not_found'] },
    },
  ];
}

export const apiKeysDocs: ApiArea = {
  tag: 'API keys',
  description: 'Platform keys (`/api-keys`, managed with platform keys only) reach every realm their developer owns; realm keys (`/realms/{realm}/api-keys`) reach one realm. Each holds a set of scopes: least privilege.',
  operations: [
    ...keyOperations('/api-keys', { list: 'listPlatformKeys', create: 'createPlatformKey', revoke: 'revokePlatformKey' }, { all: 'your platform', one: 'a platform' }, { 403: ['forbidden'] }),
    ...keyOperations('/realms/{realm}/api-keys', { list: 'listRealmKeys', create: 'createRealmKey', revoke: 'revokeRealmKey' }, { all: 'a realm\'s', one: 'a realm' }, { 404: ['not_found'] }),
  ],
};
