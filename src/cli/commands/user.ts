// gatehouse user create (here) and update | delete | set-password | revoke-sessions | search
// (user-admin.ts): the users of one realm.
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import type { RealmServices } from '../../services.js';
import { defineCommand, jsonOption, type CommandGroup } from '../command.js';
import { print, printJson } from '../output.js';
import { passwordOptions, readPassword } from '../password-input.js';
import { findRealm } from '../runtime.js';
import { userAdminCommands } from './user-admin.js';
import { userFactorCommands } from './user-factors.js';

export { passwordOptions, readPassword };

/** Creates the user and prints its id (or the user as JSON). */
export async function createUser(realm: RealmServices, input: { email: string; password?: string; name?: string; emailVerified?: boolean }, json?: boolean) {
  const user = await realm.users.create(input, CLI_ACTOR);
  if (json) printJson(user);
  else print(user.id);
}

const create = defineCommand({
  group: 'user',
  name: 'create',
  summary: 'Create a user in a realm and print its id.',
  options: {
    realm: { type: 'string', value: 'NAME', help: 'the realm', required: true },
    email: { type: 'string', value: 'EMAIL', help: 'email address, unique in the realm', required: true },
    ...passwordOptions,
    name: { type: 'string', value: 'NAME', help: 'display name' },
    'email-verified': { type: 'boolean', help: 'mark the email address as verified' },
    json: jsonOption,
  },
  async run({ values, open }) {
    const password = await readPassword(values, 'user create');
    const runtime = await open();
    const realm = runtime.services.forRealm(await findRealm(runtime, values.realm));
    await createUser(realm, { email: values.email, password, name: values.name, emailVerified: values['email-verified'] ?? false }, values.json);
  },
});

export const userCommands: CommandGroup = { name: 'user', summary: 'users of a realm', commands: [create, ...userAdminCommands, ...userFactorCommands] };
