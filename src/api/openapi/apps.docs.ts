// /realms/{realm}/apps: OAuth clients of one realm.
import { appViewSchema, createAppSchema, createdAppSchema, updateAppSchema } from '../../modules/apps/apps.schemas.js';
import type { AppView } from '../../modules/apps/apps.service.js';
import type { ApiArea } from './operations.js';
import { describes, list } from './shapes.js';

const app = describes<AppView>()(appViewSchema);

export const appsDocs: ApiArea = {
  tag: 'Apps',
  description: 'Apps are the OAuth 2.0 clients of a realm: web (server-side, with a secret), spa and native (public, PKCE), and service (client_credentials).',
  operations: [
    { method: 'get', path: '/realms/{realm}/apps', operationId: 'listApps', summary: 'List a realm\'s apps', responses: { 200: { description: 'The apps.', schema: list(app) } }, problems: { 404: ['not_found'] } },
    {
      method: 'post', path: '/realms/{realm}/apps', operationId: 'createApp', summary: 'Create an app', body: createAppSchema,
      description: 'A confidential app (web, service) gets a `clientSecret` in this answer only; it is stored hashed and cannot be shown again.',
      responses: { 201: { description: 'The new app.', schema: createdAppSchema, location: true } },
      problems: { 400: ['direct_auth_not_allowed'], 404: ['not_found'] },
    },
    { method: 'get', path: '/realms/{realm}/apps/{id}', operationId: 'getApp', summary: 'Read an app', responses: { 200: { description: 'The app.', schema: app } }, problems: { 404: ['not_found'] } },
    {
      method: 'patch', path: '/realms/{realm}/apps/{id}', operationId: 'updateApp', summary: 'Change an app', body: updateAppSchema,
      description: 'Its type and grant types are fixed; the result must pass the same rules as a new app.',
      responses: { 200: { description: 'The app after the change.', schema: app } },
      problems: { 400: ['direct_auth_not_allowed'], 404: ['not_found'] },
    },
  ],
};
