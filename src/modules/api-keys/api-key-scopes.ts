// What a management API key may do: one list, here. Each API route declares the one scope it
// needs (src/api/require-scope.ts); a key holds a subset, chosen when it is made (least
// privilege). Keys made before scopes existed hold all of them (the migration's default).
// `:read` never changes anything; `:write` creates, changes and deletes.
export const API_KEY_SCOPES = [
  'realms:read',
  'realms:write',
  'apps:read',
  'apps:write',
  'users:read',
  'users:write',
  'resources:read',
  'resources:write',
  'keys:read',
  'keys:write',
  'audit:read',
  'api-keys:read',
  'api-keys:write',
  /** The direct authentication API: sign users up and in, magic links, password resets. */
  'auth:direct',
] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const isApiKeyScope = (s: string): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s);
