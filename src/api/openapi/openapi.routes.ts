// GET /api/v1/openapi.json (the OpenAPI document) and GET /api/v1/docs (its reference page).
// Both are public: they describe the API, not anyone's data. Mounted before the API router, so
// no API key is asked for and the API's no-store rule does not apply.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';
import { PROJECT_ROOT } from '../../project-root.js';
import { vendorUrl } from '../../http/static-assets.js';
import type { Views } from '../../http/views.js';

export const OPENAPI_PATH = '/openapi.json';
export const REFERENCE_PATH = '/docs';

const packageVersion = () => String((JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0');

export function openapiRoutes(deps: { baseUrl: string; views: Views }): Router {
  // Built once per process, on first use, with its generator loaded then: the document only
  // changes with the code, and building it (~150 ms of CPU) would otherwise delay every start,
  // every test server's included.
  let built: Promise<{ body: string; etag: string }> | undefined;
  const document = () =>
    (built ??= import('./document.js').then(({ buildOpenApiDocument }) => {
      const body = JSON.stringify(buildOpenApiDocument({ baseUrl: deps.baseUrl, version: packageVersion() }));
      return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }).catch((err: unknown) => {
      built = undefined;
      throw err;
    }));
  const router = Router();

  router.get(OPENAPI_PATH, async (req, res) => {
    const { body, etag } = await document();
    // Cacheable by anyone for five minutes, then revalidated with the ETag (RFC 9111 §5.2.2.1, RFC 9110 §8.8.3).
    res.set({ 'Cache-Control': 'public, max-age=300', ETag: etag, 'Access-Control-Allow-Origin': '*' });
    if (req.fresh) return void res.status(304).end();
    res.type('application/json').send(body);
  });

  router.get(REFERENCE_PATH, (_req, res) => {
    deps.views.send(res, 'api-reference', { specUrl: `/api/v1${OPENAPI_PATH}` }, 200, { scripts: [vendorUrl('openapi-explorer', 'openapi-explorer.min.js')] });
  });
  return router;
}
