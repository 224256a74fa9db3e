// /realms/{realm}/apps: OAuth clients of one realm.
import { appViewSchema, createAppSchema, createdAppSchema, rotatedSecretSchema, updateAppSchema } from '../../modules/apps/apps.schemas.js';
import { rotateSecretSchema, type AppView } from '../../modules/apps/apps.service.js';
import type { ApiArea } from './operations.js';
import { describes, page, pageQuery } from './shapes.js';

const app = describes<AppView>()(appViewSchema);

export const appsDocs: ApiArea = {
  tag: 'Apps',
  description: 'Apps are the OAuth 2.0 clients of a realm: web (server-side, with a secret), spa and native (public, PKCE), and service (client_credentials).',
  operations: [
    {
      method: 'get', path: '/realms/{realm}/apps', operationId: 'listApps', summary: 'List a realm\'s apps, one page at a time', query: pageQuery(), scopes: ['apps:read'],
      responses: { 200: { description: 'A page of apps, oldest first.', schema: page(app) } },
      problems: { 400: ['validation_failed'], 404: ['not_found'] },
    },
    {
      method: 'post', path: '/realms/{realm}/apps', operationId: 'createApp', summary: 'Create an app', body: createAppSchema, scopes: ['apps:write'],
      description: 'A confidential app (web, service) gets a `clientSecret` in this answer only; it is stored hashed and cannot be shown again.',
      responses: { 201: { description: 'The new app.', schema: createdAppSchema, location: true } },
      problems: { 400: ['direct_auth_not_allowed'], 404: ['not_found'] },
    },
    { method: 'get', path: '/realms/{realm}/apps/{id}', operationId: 'getApp', summary: 'Read an app', scopes: ['apps:read'], responses: { 200: { description: 'The app.', schema: app } }, problems: { 404: ['not_found'] } },
    {
      method: 'patch', path: '/realms/{realm}/apps/{id}', operationId: 'updateApp', summary: 'Change an app', body: updateAppSchema, scopes: ['apps:write'],
      description: 'Its type and grant types are fixed; the result must pass the same rules as a new app.',
      responses: { 200: { description: 'The app after the change.', schema: app } },
      problems: { 400: ['direct_auth_not_allowed'], 404: ['not_found'] },
    },
    {
      method: 'delete', path: '/realms/{realm}/apps/{id}', operationId: 'deleteApp', summary: 'Delete an app', scopes: ['apps:write'],
      description: 'Its consents go with it; from then on its tokens are refused and it can no longer authenticate.',
      responses: { 204: { description: 'Deleted.' } }, problems: { 404: ['not_found'] },
    },
    {
      method: 'post', path: '/realms/{realm}/apps/{id}/secret', operationId: 'rotateAppSecret', summary: 'Give a confidential app a new client secret', body: rotateSecretSchema, scopes: ['apps:write'],
      description: 'The new `clientSecret` is in this answer only. The old one keeps working until `previousSecretExpiresAt` (`graceSeconds`, default a day; 0 stops it now), so a deployment can switch over. Public apps (spa, native) have no secret: 409 `app_has_no_secret`.',
      responses: { 200: { description: 'The app, its new secret and when the old one stops working.', schema: rotatedSecretSchema } },
      problems: { 404: ['not_found'], 409: ['app_has_no_secret'] },
    },
  ],
};
