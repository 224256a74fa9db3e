// /realms/{realm}/resources: APIs (RFC 8707 resource indicators) a realm issues JWT access tokens for.
import { apiResourceViewSchema, createApiResourceSchema } from '../../modules/api-resources/api-resources.schemas.js';
import type { ApiResourceView } from '../../modules/api-resources/api-resources.service.js';
import type { ApiArea } from './operations.js';
import { describes, page, pageQuery } from './shapes.js';

const resource = describes<ApiResourceView>()(apiResourceViewSchema);

export const resourcesDocs: ApiArea = {
  tag: 'API resources',
  description: 'An API resource is an API of yours: tokens asked for with `resource=<identifier>` are RFC 9068 JWTs with that audience and its scopes.',
  operations: [
    {
      method: 'get', path: '/realms/{realm}/resources', operationId: 'listResources', summary: 'List a realm\'s API resources, one page at a time', query: pageQuery(), scopes: ['resources:read'],
      responses: { 200: { description: 'A page of API resources, oldest first.', schema: page(resource) } },
      problems: { 400: ['validation_failed'], 404: ['not_found'] },
    },
    {
      method: 'post', path: '/realms/{realm}/resources', operationId: 'createResource', summary: 'Register an API resource', body: createApiResourceSchema, scopes: ['resources:write'],
      responses: { 201: { description: 'The new API resource.', schema: resource, location: true } },
      problems: { 404: ['not_found'], 409: ['resource_exists'] },
    },
    { method: 'get', path: '/realms/{realm}/resources/{id}', operationId: 'getResource', summary: 'Read an API resource', scopes: ['resources:read'], responses: { 200: { description: 'The API resource.', schema: resource } }, problems: { 404: ['not_found'] } },
    {
      method: 'delete', path: '/realms/{realm}/resources/{id}', operationId: 'deleteResource', summary: 'Delete an API resource', scopes: ['resources:write'],
      description: 'Tokens can no longer be asked for it; ones already issued stay valid until they expire (they are self-contained JWTs).',
      responses: { 204: { description: 'Deleted.' } }, problems: { 404: ['not_found'] },
    },
  ],
};
