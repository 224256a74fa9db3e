// The OpenAPI 3.1 document of /api/v1, built from the API areas' entries (operations.ts): the
// request schemas the routes validate with, the view schemas of their answers, problem+json
// errors with their stable codes, and the bearer API key. Built once per process (openapi.routes.ts).
// To document a new route: add one entry to its area's operations (or a new area to API_AREAS).
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';
import { problemSchema } from '../../http/problem.js';
import { apiKeysDocs } from './api-keys.docs.js';
import { appsDocs } from './apps.docs.js';
import { auditEventsDocs } from './audit-events.docs.js';
import { directAuthDocs } from './direct-auth.docs.js';
import { meDocs } from './me.docs.js';
import { PATH_PARAMS, problemResponse, problemsOf, templateParams, type ApiArea, type ApiOperation } from './operations.js';
import { realmsDocs } from './realms.docs.js';
import { resourcesDocs } from './resources.docs.js';
import { signingKeysDocs } from './signing-keys.docs.js';
import { usersDocs } from './users.docs.js';

/** Every documented part of the API, in the order of the reference page. */
export const API_AREAS: readonly ApiArea[] = [realmsDocs, appsDocs, usersDocs, resourcesDocs, signingKeysDocs, auditEventsDocs, apiKeysDocs, meDocs, directAuthDocs];

export const SECURITY_SCHEME = 'apiKey';

const json = (schema: ZodType) => ({ 'application/json': { schema } });

function pathParams(op: ApiOperation) {
  const names = templateParams(op.path);
  if (!names.length) return undefined;
  const shape = Object.fromEntries(names.map((n) => {
    const schema = op.params?.shape[n] ?? PATH_PARAMS[n];
    if (!schema) throw new Error(`${op.method.toUpperCase()} ${op.path}: no schema for path parameter {${n}}`);
    return [n, schema as ZodType];
  }));
  return z.object(shape);
}

function routeOf(op: ApiOperation, tag: string): RouteConfig {
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.schema ? { content: json(r.schema) } : {}),
      ...(r.location ? { headers: { Location: { description: 'The new resource\'s URL.', schema: { type: 'string' } } } } : {}),
    };
  }
  for (const [status, codes] of Object.entries(problemsOf(op))) {
    // The Problem component with `code` narrowed to this answer's codes (problemResponse is the
    // same rule as a zod schema, for the conformance test): one shared shape, not one copy per answer.
    const schema = { allOf: [{ $ref: '#/components/schemas/Problem' }, { type: 'object' as const, properties: { code: { enum: codes } } }] };
    responses[status] = { description: problemResponse(problemSchema, Number(status), codes).description, content: { 'application/problem+json': { schema } } };
  }
  return {
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [tag],
    security: [{ [SECURITY_SCHEME]: op.scopes }],
    request: {
      params: pathParams(op),
      query: op.query,
      ...(op.body ? { body: { required: true, content: json(op.body) } } : {}),
    },
    responses,
  };
}

export function buildOpenApiDocument(opts: { baseUrl: string; version: string }) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', SECURITY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'A Gatehouse API key: `Authorization: Bearer <key>` (RFC 6750 §2.1). Platform keys reach the realms their developer owns; realm keys only their realm. Create one with `gatehouse api-key create`.',
  });
  const seen = new Set<string>();
  for (const area of API_AREAS) {
    for (const op of area.operations) {
      if (seen.has(op.operationId)) throw new Error(`operationId ${op.operationId} is used twice`);
      seen.add(op.operationId);
      registry.registerPath(routeOf(op, area.tag));
    }
  }
  return new OpenApiGeneratorV31([...registry.definitions, { type: 'schema', schema: problemSchema }]).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse management API',
      version: opts.version,
      description: 'Manage realms, apps, users, API resources, signing keys and API keys, read audit trails, and sign users in from your backend. JSON in and out; errors are RFC 9457 `application/problem+json` with a stable `code`. Lists answer `{ data }`; paged lists add `nextCursor` while more pages follow. Each operation names the API key scope it needs (its security requirement); a key without it gets 403 `insufficient_scope`.',
    },
    servers: [{ url: `${opts.baseUrl}/api/v1` }],
    security: [{ [SECURITY_SCHEME]: [] }],
    tags: API_AREAS.map((a) => ({ name: a.tag, description: a.description })),
  });
}
