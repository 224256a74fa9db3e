// gatehouse api-key create: a management API key. Only the key goes to stdout, so
// KEY=$(gatehouse api-key create ...) captures it; it is shown this once and stored only hashed.
// list and revoke work on the same two kinds of owner: a developer's platform keys, a realm's keys.
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import { API_KEY_SCOPES, isApiKeyScope } from '../../modules/api-keys/api-key-scopes.js';
import type { KeyOwner } from '../../modules/api-keys/api-keys.service.js';
import { ProblemError } from '../../http/problem.js';
import { ADMIN_REALM } from '../../realms/realm-scope.js';
import { defineCommand, jsonOption, UsageError, type Runtime, type CommandGroup } from '../command.js';
import { parseDuration } from '../duration.js';
import { note, print, printJson, printTable } from '../output.js';
import { findDeveloper, findRealm } from '../runtime.js';

const ownerOptions = {
  admin: { type: 'string', value: 'EMAIL', help: 'developer account the platform key belongs to' },
  realm: { type: 'string', value: 'NAME', help: 'realm the realm key is limited to' },
} as const;

/** Exactly one of --admin and --realm; the admin realm has no realm keys. */
function checkOwnerFlags(values: { admin?: string; realm?: string }, command: string) {
  if ((values.admin === undefined) === (values.realm === undefined)) throw new UsageError('give exactly one of --admin EMAIL or --realm NAME', command);
  if (values.realm === ADMIN_REALM) throw new UsageError(`"${ADMIN_REALM}" holds developer accounts; use --admin EMAIL for a platform key`, command);
}

async function ownerOf(runtime: Runtime, values: { admin?: string; realm?: string }): Promise<KeyOwner> {
  if (values.admin !== undefined) return { kind: 'platform', ownerId: (await findDeveloper(runtime, values.admin)).developer.id };
  return { kind: 'realm', realmId: (await findRealm(runtime, values.realm!)).id };
}

const create = defineCommand({
  group: 'api-key',
  name: 'create',
  summary: 'Create a management API key and print it (only the key, on stdout).',
  synopsis: '(--admin EMAIL | --realm NAME) [--name NAME] [--scope SCOPE...] [--expires-in DURATION]',
  details: [
    'A platform key (gh_pk_...) acts for a developer account on every realm it owns;',
    'a realm key (gh_rk_...) is limited to one realm. The key is shown once: store it now.',
    `Scopes (default: all): ${API_KEY_SCOPES.join(' ')}.`,
  ],
  options: {
    ...ownerOptions,
    name: { type: 'string', value: 'NAME', help: 'label to recognise the key by (default "cli")' },
    scope: { type: 'string', value: 'SCOPE', help: 'what the key may do (default: everything)', multiple: true },
    'expires-in': { type: 'string', value: 'DURATION', help: 'refuse the key after this long, e.g. 90d or 12h (default: never)' },
  },
  async run({ values, open }) {
    checkOwnerFlags(values, 'api-key create');
    const unknown = values.scope.find((s) => !isApiKeyScope(s));
    if (unknown !== undefined) throw new UsageError(`unknown scope "${unknown}"; scopes are ${API_KEY_SCOPES.join(' ')}`, 'api-key create');
    const expiresIn = values['expires-in'] === undefined ? undefined : parseDuration(values['expires-in'], '--expires-in', 'api-key create');
    if (expiresIn === 0) throw new UsageError('--expires-in must be more than 0', 'api-key create');
    const extra = { ...(values.scope.length ? { scopes: values.scope.filter(isApiKeyScope) } : {}), ...(expiresIn ? { expiresAt: new Date(Date.now() + expiresIn * 1000) } : {}) };
    const name = values.name ?? 'cli';
    const runtime = await open();
    const { apiKeys } = runtime.services;
    let created;
    if (values.admin !== undefined) {
      const { adminRealm, developer } = await findDeveloper(runtime, values.admin);
      created = await apiKeys.create({ kind: 'platform', ownerId: developer.id, adminRealmId: adminRealm.id, name, ...extra }, CLI_ACTOR);
    } else {
      const realm = await findRealm(runtime, values.realm!);
      created = await apiKeys.create({ kind: 'realm', realmId: realm.id, name, ...extra }, CLI_ACTOR);
    }
    print(created.key);
    note(`${created.apiKey.kind} API key ${created.apiKey.prefix} created; it is shown once, store it now`);
  },
});

const list = defineCommand({
  group: 'api-key',
  name: 'list',
  summary: "List a developer's platform keys or a realm's keys (prefix, name, scopes, last use; never the key).",
  synopsis: '(--admin EMAIL | --realm NAME) [--json]',
  options: { ...ownerOptions, json: jsonOption },
  async run({ values, open }) {
    checkOwnerFlags(values, 'api-key list');
    const runtime = await open();
    const owner = await ownerOf(runtime, values);
    const keys = [];
    let cursor: string | undefined;
    do {
      const page = await runtime.services.apiKeys.list(owner, { limit: 200, cursor });
      keys.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    if (values.json) return printJson(keys);
    if (!keys.length) return print('no API keys');
    printTable(['PREFIX', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'EXPIRES'], keys.map((k) => [k.prefix, k.name, k.scopes.length === API_KEY_SCOPES.length ? '(all)' : k.scopes.join(','), k.createdAt, k.lastUsedAt ?? '-', k.expiresAt ?? 'never']));
  },
});

const revoke = defineCommand({
  group: 'api-key',
  name: 'revoke',
  summary: 'Revoke an API key by its prefix: it is refused (401) from now on.',
  synopsis: 'PREFIX (--admin EMAIL | --realm NAME)',
  positionals: ['PREFIX'],
  options: ownerOptions,
  async run({ values, args, open }) {
    checkOwnerFlags(values, 'api-key revoke');
    const runtime = await open();
    const prefix = args[0]!;
    if (!(await runtime.services.apiKeys.revoke(await ownerOf(runtime, values), prefix, CLI_ACTOR))) {
      throw new ProblemError(404, 'api_key_not_found', 'Not found', `No live API key "${prefix}" of that ${values.admin !== undefined ? 'developer' : 'realm'}; "gatehouse api-key list" shows them.`);
    }
    note(`API key ${prefix} revoked`);
  },
});

export const apiKeyCommands: CommandGroup = { name: 'api-key', summary: 'management API keys', commands: [create, list, revoke] };
