// gatehouse app create: an OAuth client of a realm. A confidential app's secret is printed this
// once; only its hash is stored.
import type { CreateAppInput } from '../../modules/apps/apps.schemas.js';
import { APP_TYPES, GRANT_TYPES, SECRET_AUTH_METHODS } from '../../modules/apps/apps.schemas.js';
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import { defineCommand, jsonOption, type CommandGroup } from '../command.js';
import { note, printFields, printJson } from '../output.js';
import { findRealm } from '../runtime.js';

const create = defineCommand({
  group: 'app',
  name: 'create',
  summary: 'Create an app (OAuth client) and print its client_id and, for confidential apps, client_secret.',
  details: [
    'Redirect URIs are matched exactly: https, or http on localhost; native apps may also use',
    'a reverse-domain private-use scheme (com.example.app:/callback).',
  ],
  options: {
    realm: { type: 'string', value: 'NAME', help: 'the realm', required: true },
    name: { type: 'string', value: 'TEXT', help: 'name shown on the consent page', required: true },
    type: { type: 'string', value: 'TYPE', help: `${APP_TYPES.join(' | ')}`, required: true },
    'redirect-uri': { type: 'string', value: 'URI', help: 'allowed redirect URI', multiple: true },
    'post-logout-redirect-uri': { type: 'string', value: 'URI', help: 'allowed post-logout redirect URI', multiple: true },
    'grant-type': { type: 'string', value: 'GRANT', help: `${GRANT_TYPES.join(' | ')} (default by type)`, multiple: true },
    'first-party': { type: 'boolean', help: 'trusted app of the realm owner: no consent page' },
    'no-pkce': { type: 'boolean', help: 'confidential apps: do not require PKCE (for relying parties that send none); public apps always use it' },
    'token-auth': { type: 'string', value: 'METHOD', help: `confidential apps: ${SECRET_AUTH_METHODS.join(' | ')} (default client_secret_basic); the other is refused` },
    'api-access': { type: 'string', value: '"URI SCOPE..."', help: 'service apps: an API resource and the scopes the app may get for it', multiple: true },
    json: jsonOption,
  },
  async run({ values, open }) {
    const runtime = await open();
    const realm = runtime.services.forRealm(await findRealm(runtime, values.realm));
    // The service validates type, URIs and grants, and reports each bad field.
    const input = {
      name: values.name,
      type: values.type,
      redirectUris: values['redirect-uri'],
      postLogoutRedirectUris: values['post-logout-redirect-uri'],
      grantTypes: values['grant-type'].length ? values['grant-type'] : undefined,
      firstParty: values['first-party'] ?? false,
      ...(values['no-pkce'] ? { requirePkce: false } : {}),
      ...(values['token-auth'] ? { tokenEndpointAuthMethod: values['token-auth'] } : {}),
      apiAccess: values['api-access'].map((entry) => {
        const [resource = '', ...scopes] = entry.trim().split(/\s+/);
        return { resource, scopes };
      }),
    } as CreateAppInput;
    const { app, clientSecret } = await realm.apps.create(input, CLI_ACTOR);
    if (values.json) printJson({ ...app, clientSecret });
    else printFields([['client_id', app.clientId], ['client_secret', clientSecret]]);
    if (clientSecret) note('the client secret is shown once: store it now');
  },
});

export const appCommands: CommandGroup = { name: 'app', summary: 'apps (OAuth clients) of a realm', commands: [create] };
