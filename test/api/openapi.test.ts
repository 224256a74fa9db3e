// The OpenAPI document against the code: every route the API router mounts is documented and
// every documented operation is mounted (walking the Express router stack, sub-routers included);
// the document is valid OpenAPI 3.1 (the official schema, via @seriousme/openapi-schema-validator);
// it is served publicly, cacheably, with the servers entry and the problem answers a client needs.
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiRoutes, apiScopeTable } from '../../src/api/api.routes.js';
import { ANY_KEY } from '../../src/api/require-scope.js';
import { API_AREAS } from '../../src/api/openapi/document.js';
import { createViews } from '../../src/http/views.js';
import { createLoginThrottle } from '../../src/modules/auth/login-throttle.js';
import { createPasswordHasher } from '../../src/security/passwords.js';
import { useGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { operationKey } from '../support/openapi-conformance.js';

const gh = useGatehouse();

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  rawPath?: string;
  handle: { stack?: Layer[] };
}

/** `GET /realms/{realm}/apps/{id}` for every route of `router`, mounted sub-routers included. 405 catch-alls (router.all) are not operations. */
function routeTable(router: { stack: Layer[] }, prefix = ''): string[] {
  const found: string[] = [];
  for (const layer of router.stack) {
    if (layer.route) {
      const path = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}');
      for (const method of Object.keys(layer.route.methods)) if (method !== '_all') found.push(`${method.toUpperCase()} ${path}`);
    } else if (layer.handle.stack) {
      found.push(...routeTable(layer.handle as { stack: Layer[] }, `${prefix}${layer.rawPath ?? ''}`));
    }
  }
  return found;
}

/** The router app.ts mounts at /api/v1, built from the running instance's parts. */
function mountedApiRouter(g: TestGatehouse): Router {
  const throttle = createLoginThrottle(g.stores, g.config.rateLimits, { masterKey: g.config.masterKey, secureCookies: false });
  return apiRoutes({ config: g.config, prisma: g.prisma, stores: g.stores, logger: g.logger, views: createViews(false), passwords: createPasswordHasher(g.config.argon2), services: g.services, auditWriter: g.auditWriter, pool: g.pool, throttle });
}

const documented = () => API_AREAS.flatMap((a) => a.operations.map(operationKey));

describe('the OpenAPI document and the routes', () => {
  it('documents every mounted API route, and nothing that is not mounted', () => {
    const mounted = routeTable(mountedApiRouter(gh()) as unknown as { stack: Layer[] });
    expect(mounted.length).toBeGreaterThan(20);
    expect({ undocumented: mounted.filter((r) => !documented().includes(r)), notMounted: documented().filter((r) => !mounted.includes(r)) }).toEqual({ undocumented: [], notMounted: [] });
    expect(new Set(documented()).size).toBe(documented().length);
  });

  it('names, for every operation, the one scope its route declares with needs(scope)', async () => {
    const table = apiScopeTable(mountedApiRouter(gh()));
    const declared = Object.fromEntries(table.map((e) => [`${e.method} ${e.path.replace(/:(\w+)/g, '{$1}')}`, e.scope === ANY_KEY ? [] : [e.scope]]));
    const documentedScopes = Object.fromEntries(API_AREAS.flatMap((a) => a.operations.map((op) => [operationKey(op), op.scopes])));
    expect(Object.keys(declared).length).toBe(table.length);
    expect(documentedScopes).toEqual(declared);
    // The served document carries them as each operation's security requirement (OpenAPI 3.1 §4.8.30).
    const doc = (await request(gh().url).get('/api/v1/openapi.json')).body;
    expect(doc.paths['/realms/{realm}/apps/{id}/secret'].post.security).toEqual([{ apiKey: ['apps:write'] }]);
    expect(doc.paths['/me'].get.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/realms/{realm}/audit-events'].get.responses['403'].content['application/problem+json'].schema.allOf[1].properties.code.enum).toEqual(['insufficient_scope']);
  });

  it('is served without an API key at /api/v1/openapi.json as valid OpenAPI 3.1, cacheable and revalidated by ETag', async () => {
    const res = await request(gh().url).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.servers).toEqual([{ url: `${gh().config.baseUrl}/api/v1` }]);

    const again = await request(gh().url).get('/api/v1/openapi.json').set('If-None-Match', res.headers.etag as string);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('has one path item per documented operation, the bearer key on all of them, and problem+json answers with stable codes', async () => {
    const doc = (await request(gh().url).get('/api/v1/openapi.json')).body as {
      security: unknown; components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      paths: Record<string, Record<string, { operationId: string; security?: unknown; responses: Record<string, { content?: Record<string, { schema: { allOf?: [{ $ref: string }, { properties: { code: { enum: string[] } } }] } }> }> }>>;
    };
    expect(doc.security).toEqual([{ apiKey: [] }]);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Problem', 'Realm', 'App', 'NewApp', 'User', 'ApiResource', 'Factor', 'TokenResponse', 'ApiKey', 'NewApiKey', 'Me', 'SigningKey', 'SigningKeyRotation', 'AuditEvent', 'RotatedAppSecret']));
    const inDoc = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(inDoc.sort()).toEqual(documented().sort());
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const unauthenticated = op.responses['401']?.content?.['application/problem+json']?.schema;
        expect(unauthenticated?.allOf?.[0], `${method} ${path}`).toEqual({ $ref: '#/components/schemas/Problem' });
        expect(unauthenticated?.allOf?.[1].properties.code.enum).toContain('unauthenticated');
      }
    }
    const createApp = doc.paths['/realms/{realm}/apps']!.post!;
    expect(createApp.responses['400']!.content!['application/problem+json']!.schema.allOf![1].properties.code.enum).toEqual(['direct_auth_not_allowed', 'malformed_json', 'validation_failed']);
  });

  it('builds request bodies from the routes\' own zod schemas (defaults, bounds, strictness)', async () => {
    const doc = (await request(gh().url).get('/api/v1/openapi.json')).body;
    const body = doc.paths['/realms/{realm}/apps'].post.requestBody.content['application/json'].schema;
    expect(body).toMatchObject({ type: 'object', required: ['name', 'type'], additionalProperties: false });
    expect(body.properties.type.enum).toEqual(['web', 'spa', 'native', 'service']);
    expect(body.properties.requirePkce).toEqual({ type: 'boolean', default: true });
    const query = doc.paths['/realms/{realm}/users'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(query).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } });
  });
});
