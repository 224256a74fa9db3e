// /realms: the realms a key may manage (platform keys: their developer's; realm keys: their own).
import { z } from 'zod';
import { listRealmsQuery } from '../realms.routes.js';
import { createRealmSchema, realmViewSchema, updateRealmSchema } from '../../modules/realms/realms.schemas.js';
import type { RealmView } from '../../modules/realms/realms.service.js';
import type { ApiArea } from './operations.js';
import { describes, page, pageQuery } from './shapes.js';

const realm = describes<RealmView>()(realmViewSchema);
const realmsQuery = pageQuery({ q: listRealmsQuery.shape.q.meta({ description: 'Part of the name or display name (case-insensitive).' }) }) satisfies z.ZodObject;

export const realmsDocs: ApiArea = {
  tag: 'Realms',
  description: 'A realm is one OpenID Connect issuer with its own apps, users, signing keys and settings.',
  operations: [
    {
      method: 'get', path: '/realms', operationId: 'listRealms', summary: 'List the realms this key may manage, one page at a time', query: realmsQuery, scopes: ['realms:read'],
      responses: { 200: { description: 'A page of realms, by name.', schema: page(realm) } },
      problems: { 400: ['validation_failed'] },
    },
    {
      method: 'post', path: '/realms', operationId: 'createRealm', summary: 'Create a realm (platform keys only)', body: createRealmSchema, scopes: ['realms:write'],
      responses: { 201: { description: 'The new realm, with its signing keys already generated.', schema: realm, location: true } },
      problems: { 403: ['forbidden'], 409: ['realm_exists', 'realm_name_reserved', 'mail_not_configured'] },
    },
    { method: 'get', path: '/realms/{realm}', operationId: 'getRealm', summary: 'Read a realm', scopes: ['realms:read'], responses: { 200: { description: 'The realm.', schema: realm } }, problems: { 404: ['not_found'] } },
    {
      method: 'patch', path: '/realms/{realm}', operationId: 'updateRealm', summary: 'Change a realm\'s settings', body: updateRealmSchema, scopes: ['realms:write'],
      description: 'Only the fields sent change; running providers pick the change up at once. `mailSenderName: null` restores the default.',
      responses: { 200: { description: 'The realm after the change.', schema: realm } },
      problems: { 404: ['not_found'], 409: ['mail_not_configured'] },
    },
    {
      method: 'delete', path: '/realms/{realm}', operationId: 'deleteRealm', summary: 'Delete a realm and everything in it (platform keys only)', scopes: ['realms:write'],
      description: 'Its issuer stops at once on every instance: every token it issued is dead, and its apps, users, keys and audit trail are deleted. The deletion is audited in the admin realm.',
      responses: { 204: { description: 'Deleted.' } },
      problems: { 403: ['forbidden'], 404: ['not_found'] },
    },
  ],
};
