// gatehouse app create: an OAuth client of a realm. A confidential app's secret is printed this
// once; only its hash is stored.
import type { CreateAppInput, UpdateAppInput } from '../../modules/apps/apps.schemas.js';
import { APP_TYPES, GRANT_TYPES, SECRET_AUTH_METHODS } from '../../modules/apps/apps.schemas.js';
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import { defineCommand, jsonOption, type CommandGroup } from '../command.js';
import { note, print, printFields, printJson } from '../output.js';
import { parseDuration } from '../duration.js';
import { ProblemError } from '../../http/problem.js';
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
    'direct-auth': { type: 'boolean', help: 'confidential first-party apps: the direct authentication API may sign users in for it' },
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
      ...(values['direct-auth'] ? { directAuth: true } : {}),
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

const update = defineCommand({
  group: 'app',
  name: 'update',
  summary: 'Change an app (by client_id): its name, first-party flag or direct authentication.',
  details: ['The same rules as at creation apply to the result: direct authentication needs a confidential first-party app.'],
  options: {
    realm: { type: 'string', value: 'NAME', help: 'the realm', required: true },
    'client-id': { type: 'string', value: 'ID', help: 'the app\'s client_id', required: true },
    name: { type: 'string', value: 'TEXT', help: 'new name' },
    'first-party': { type: 'boolean', help: 'make it a first-party app' },
    'third-party': { type: 'boolean', help: 'make it a third-party app (consent page shown)' },
    'direct-auth': { type: 'boolean', help: 'turn the direct authentication API on for this app' },
    'no-direct-auth': { type: 'boolean', help: 'turn the direct authentication API off' },
    json: jsonOption,
  },
  async run({ values, open }) {
    const runtime = await open();
    const realm = runtime.services.forRealm(await findRealm(runtime, values.realm));
    const found = await realm.scope.apps.findByClientId(values['client-id']);
    if (!found) throw new ProblemError(404, 'app_not_found', 'Not found', `No app with client_id "${values['client-id']}" in realm "${values.realm}".`);
    const changes: UpdateAppInput = {
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values['first-party'] ? { firstParty: true } : values['third-party'] ? { firstParty: false } : {}),
      ...(values['direct-auth'] ? { directAuth: true } : values['no-direct-auth'] ? { directAuth: false } : {}),
    };
    const app = await realm.apps.update(found.id, changes, CLI_ACTOR);
    if (!app) throw new ProblemError(404, 'app_not_found', 'Not found', `No app with client_id "${values['client-id']}" in realm "${values.realm}".`);
    if (values.json) printJson(app);
    else printFields([['client_id', app.clientId], ['name', app.name], ['first_party', String(app.firstParty)], ['direct_auth', String(app.directAuth)]]);
  },
});

const rotateSecret = defineCommand({
  group: 'app',
  name: 'rotate-secret',
  summary: "Give a confidential app a new client secret and print it (only the secret, on stdout).",
  details: [
    'The old secret keeps working for --grace (default 24h, at most 30d; 0 ends it now), so',
    'deployments can switch over without downtime. The new secret is shown once: store it now.',
  ],
  options: {
    realm: { type: 'string', value: 'NAME', help: 'the realm', required: true },
    'client-id': { type: 'string', value: 'ID', help: "the app's client_id", required: true },
    grace: { type: 'string', value: 'DURATION', help: 'how long the old secret still works, e.g. 0, 1h, 7d (default 24h)' },
    json: jsonOption,
  },
  async run({ values, open }) {
    const graceSeconds = values.grace === undefined ? undefined : parseDuration(values.grace, '--grace', 'app rotate-secret');
    const runtime = await open();
    const realm = runtime.services.forRealm(await findRealm(runtime, values.realm));
    const found = await realm.scope.apps.findByClientId(values['client-id']);
    if (!found) throw new ProblemError(404, 'app_not_found', 'Not found', `No app with client_id "${values['client-id']}" in realm "${values.realm}".`);
    const rotated = await realm.apps.rotateSecret(found.id, graceSeconds === undefined ? {} : { graceSeconds }, CLI_ACTOR);
    if (!rotated) throw new ProblemError(404, 'app_not_found', 'Not found', `No app with client_id "${values['client-id']}" in realm "${values.realm}".`);
    if (values.json) printJson({ clientId: rotated.app.clientId, clientSecret: rotated.clientSecret, previousSecretExpiresAt: rotated.previousSecretExpiresAt });
    else print(rotated.clientSecret);
    note(rotated.previousSecretExpiresAt ? `the old secret works until ${rotated.previousSecretExpiresAt}` : 'the old secret no longer works');
    if (runtime.stores.kind === 'memory') note('note: REDIS_URL is not set, so running instances were not notified; they reload the realm within 5 minutes');
  },
});

export const appCommands: CommandGroup = { name: 'app', summary: 'apps (OAuth clients) of a realm', commands: [create, update, rotateSecret] };
