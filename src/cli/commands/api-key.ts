// gatehouse api-key create: a management API key. Only the key goes to stdout, so
// KEY=$(gatehouse api-key create ...) captures it; it is shown this once and stored only hashed.
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import { ADMIN_REALM } from '../../realms/realm-scope.js';
import { defineCommand, UsageError, type CommandGroup } from '../command.js';
import { note, print } from '../output.js';
import { findDeveloper, findRealm } from '../runtime.js';

const create = defineCommand({
  group: 'api-key',
  name: 'create',
  summary: 'Create a management API key and print it (only the key, on stdout).',
  synopsis: '(--admin EMAIL | --realm NAME) [--name NAME]',
  details: [
    'A platform key (gh_pk_...) acts for a developer account on every realm it owns;',
    'a realm key (gh_rk_...) is limited to one realm. The key is shown once: store it now.',
  ],
  options: {
    admin: { type: 'string', value: 'EMAIL', help: 'developer account the platform key belongs to' },
    realm: { type: 'string', value: 'NAME', help: 'realm the realm key is limited to' },
    name: { type: 'string', value: 'NAME', help: 'label to recognise the key by (default "cli")' },
  },
  async run({ values, open }) {
    if ((values.admin === undefined) === (values.realm === undefined)) throw new UsageError('give exactly one of --admin EMAIL or --realm NAME', 'api-key create');
    if (values.realm === ADMIN_REALM) throw new UsageError(`"${ADMIN_REALM}" holds developer accounts; use --admin EMAIL for a platform key`, 'api-key create');
    const name = values.name ?? 'cli';
    const runtime = await open();
    const { apiKeys } = runtime.services;
    let created;
    if (values.admin !== undefined) {
      const { adminRealm, developer } = await findDeveloper(runtime, values.admin);
      created = await apiKeys.create({ kind: 'platform', ownerId: developer.id, adminRealmId: adminRealm.id, name }, CLI_ACTOR);
    } else {
      const realm = await findRealm(runtime, values.realm!);
      created = await apiKeys.create({ kind: 'realm', realmId: realm.id, name }, CLI_ACTOR);
    }
    print(created.key);
    note(`${created.apiKey.kind} API key ${created.apiKey.prefix} created; it is shown once, store it now`);
  },
});

export const apiKeyCommands: CommandGroup = { name: 'api-key', summary: 'management API keys', commands: [create] };
