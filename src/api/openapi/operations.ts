// What the OpenAPI document says about one operation, as data: one entry per route, in the file
// of its API area (realms.docs.ts, apps.docs.ts, ...). Request schemas are the ones the routes
// validate with (imported, never copied); response schemas are the module's view schemas. The
// same entries drive the document (document.ts) and the test that real answers match it
// (test/support/openapi-conformance.ts).
import type { ZodObject, ZodType } from 'zod';
import { z } from 'zod';
import { REALM_NAME_PATTERN } from '../../realms/realm-scope.js';
import { FACTOR_TYPES } from '../../modules/mfa/mfa.service.js';
import type { ApiKeyScope } from '../../modules/api-keys/api-key-scopes.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiResponse {
  description: string;
  /** The JSON body; none for 202/204 answers without one. */
  schema?: ZodType;
  /** Set on 201s: where the new resource is (RFC 9110 §10.2.2). */
  location?: boolean;
}

export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI path template below /api/v1, e.g. /realms/{realm}/apps/{id}. */
  path: string;
  /** Unique, camelCase: what client generators name the call. */
  operationId: string;
  summary: string;
  description?: string;
  /** Path parameters other than the common ones in PATH_PARAMS. */
  params?: ZodObject;
  query?: ZodObject;
  /** The request body schema the route (or its service) parses with. */
  body?: ZodType;
  /** Success answers by status. */
  responses: Record<number, ApiResponse>;
  /**
   * Problem codes this operation answers besides the common ones (COMMON_PROBLEMS, and the
   * body problems when it takes a body), by status: e.g. { 404: ['not_found'] }.
   */
  problems?: Record<number, string[]>;
  /**
   * The API key scope the route declares with needs(scope) (src/api/require-scope.ts), as the
   * security requirement's list (OpenAPI 3.1 §4.8.30); [] for routes any valid key may call.
   * test/api/openapi.test.ts asserts it equals the router's own table (routeScopes()).
   */
  scopes: ApiKeyScope[];
}

export interface ApiArea {
  /** The tag: one group on the reference page. */
  tag: string;
  description: string;
  operations: ApiOperation[];
}

/** Path parameters shared by many routes, by name. */
export const PATH_PARAMS: Record<string, ZodType> = {
  realm: z.string().regex(REALM_NAME_PATTERN).meta({ description: 'The realm\'s name.', example: 'acme' }),
  id: z.string().meta({ description: 'The id (a UUID) of the app, user or API resource.', format: 'uuid' }),
  type: z.enum(FACTOR_TYPES).meta({ description: 'The factor type.' }),
  prefix: z.string().meta({ description: 'The API key\'s prefix (its public part, as lists show it).' }),
};

/** Answered by every API operation: the key, overload, and our own failures. */
export const COMMON_PROBLEMS: Record<number, string[]> = {
  401: ['unauthenticated'],
  429: ['rate_limited'],
  500: ['internal_error'],
  503: ['service_unavailable'],
};

/** Answered by every operation that reads a JSON body (api.routes.ts body rules, validate.ts). */
export const BODY_PROBLEMS: Record<number, string[]> = {
  400: ['validation_failed', 'malformed_json'],
  413: ['payload_too_large'],
  415: ['unsupported_media_type'],
};

/** Answered by every operation that needs a scope, to a key without it (require-scope.ts, RFC 6750 §3.1). */
export const SCOPE_PROBLEMS: Record<number, string[]> = {
  403: ['insufficient_scope'],
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request', 401: 'No valid API key', 403: 'Not allowed', 404: 'Not found', 409: 'Conflict',
  413: 'Body too large', 415: 'Not JSON', 429: 'Rate limited', 500: 'Internal error', 503: 'Unavailable',
};

/** Every problem status and code this operation documents, merged. */
export function problemsOf(op: ApiOperation): Record<number, string[]> {
  const merged: Record<number, Set<string>> = {};
  for (const table of [COMMON_PROBLEMS, op.body ? BODY_PROBLEMS : {}, op.scopes.length ? SCOPE_PROBLEMS : {}, op.problems ?? {}]) {
    for (const [status, codes] of Object.entries(table)) for (const code of codes) (merged[Number(status)] ??= new Set()).add(code);
  }
  return Object.fromEntries(Object.entries(merged).map(([status, codes]) => [status, [...codes].sort()]));
}

/** The problem body for one status: the Problem shape with `code` narrowed to the documented codes. */
export function problemResponse(problem: ZodObject, status: number, codes: string[]) {
  return {
    description: `${STATUS_TEXT[status] ?? 'Problem'}: ${codes.map((c) => `\`${c}\``).join(', ')}`,
    schema: problem.extend({ code: z.enum(codes as [string, ...string[]]) }),
  };
}

/** Names in a path template: /realms/{realm}/apps/{id} gives realm, id. */
export const templateParams = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);

/** The operation documenting `method` on `path` (a concrete path like /realms/acme/apps/1f…), the most literal match. */
export function findOperation(areas: ApiArea[], method: string, path: string): ApiOperation | undefined {
  const segments = path.split('/');
  let best: { op: ApiOperation; literal: number } | undefined;
  for (const op of areas.flatMap((a) => a.operations)) {
    if (op.method !== method.toLowerCase()) continue;
    const template = op.path.split('/');
    if (template.length !== segments.length) continue;
    const fits = template.every((t, i) => (t.startsWith('{') ? segments[i] !== '' : t === segments[i]));
    const literal = template.filter((t) => !t.startsWith('{')).length;
    if (fits && (!best || literal > best.literal)) best = { op, literal };
  }
  return best?.op;
}
