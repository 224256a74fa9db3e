// gatehouse resource create: an API of a realm (RFC 8707 resource indicator). Tokens asked for it
// are RFC 9068 JWTs with it as audience, verifiable with the realm's JWKS.
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import { defineCommand, jsonOption, UsageError, type CommandGroup } from '../command.js';
import { printFields, printJson } from '../output.js';
import { findRealm } from '../runtime.js';

const create = defineCommand({
  group: 'resource',
  name: 'create',
  summary: 'Register an API resource whose access tokens are JWTs, and print its identifier and scopes.',
  details: [
    'Clients ask for it with resource=IDENTIFIER (RFC 8707) at /authorize or /token.',
  ],
  options: {
    realm: { type: 'string', value: 'NAME', help: 'the realm', required: true },
    identifier: { type: 'string', value: 'URI', help: 'absolute URI, no fragment; the tokens\' "aud"', required: true },
    name: { type: 'string', value: 'TEXT', help: 'name for people', required: true },
    scope: { type: 'string', value: 'SCOPE', help: 'a scope the API defines', multiple: true },
    'access-token-ttl': { type: 'string', value: 'SECONDS', help: "its tokens' lifetime (default: the realm's access token lifetime)" },
    json: jsonOption,
  },
  async run({ values, open }) {
    const ttl = values['access-token-ttl'];
    if (ttl !== undefined && !/^\d+$/.test(ttl)) throw new UsageError(`--access-token-ttl must be a whole number of seconds, got "${ttl}"`, 'resource create');
    const runtime = await open();
    const realm = runtime.services.forRealm(await findRealm(runtime, values.realm));
    const resource = await realm.apiResources.create(
      { identifier: values.identifier, name: values.name, scopes: values.scope, ...(ttl === undefined ? {} : { accessTokenTtl: Number(ttl) }) },
      CLI_ACTOR,
    );
    if (values.json) return printJson(resource);
    printFields([['identifier', resource.identifier], ['scopes', resource.scopes.join(' ')]]);
  },
});

export const resourceCommands: CommandGroup = { name: 'resource', summary: 'API resources of a realm (JWT access tokens)', commands: [create] };
