// /realms: the realms a key may manage (platform keys: their developer's; realm keys: their own).
import { createRealmSchema, realmViewSchema, updateRealmSchema } from '../../modules/realms/realms.schemas.js';
import type { RealmView } from '../../modules/realms/realms.service.js';
import type { ApiArea } from './operations.js';
import { describes, list } from './shapes.js';

const realm = describes<RealmView>()(realmViewSchema);

export const realmsDocs: ApiArea = {
  tag: 'Realms',
  description: 'A realm is one OpenID Connect issuer with its own apps, users, signing keys and settings.',
  operations: [
    { method: 'get', path: '/realms', operationId: 'listRealms', summary: 'List the realms this key may manage', responses: { 200: { description: 'The realms, oldest first.', schema: list(realm) } } },
    {
      method: 'post', path: '/realms', operationId: 'createRealm', summary: 'Create a realm (platform keys only)', body: createRealmSchema,
      responses: { 201: { description: 'The new realm, with its signing keys already generated.', schema: realm, location: true } },
      problems: { 403: ['forbidden'], 409: ['realm_exists', 'realm_name_reserved', 'mail_not_configured'] },
    },
    { method: 'get', path: '/realms/{realm}', operationId: 'getRealm', summary: 'Read a realm', responses: { 200: { description: 'The realm.', schema: realm } }, problems: { 404: ['not_found'] } },
    {
      method: 'patch', path: '/realms/{realm}', operationId: 'updateRealm', summary: 'Change a realm\'s settings', body: updateRealmSchema,
      description: 'Only the fields sent change; running providers pick the change up at once. `mailSenderName: null` restores the default.',
      responses: { 200: { description: 'The realm after the change.', schema: realm } },
      problems: { 404: ['not_found'], 409: ['mail_not_configured'] },
    },
  ],
};
