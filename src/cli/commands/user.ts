// gatehouse user create: a user of one realm.
import { createInterface } from 'node:readline';
import { CLI_ACTOR } from '../../modules/audit/actor.js';
import type { RealmServices } from '../../services.js';
import { defineCommand, jsonOption, UsageError, type CommandGroup, type OptionSpec } from '../command.js';
import { print, printJson } from '../output.js';
import { findRealm } from '../runtime.js';

export const passwordOptions = {
  password: { type: 'string', value: 'PASSWORD', help: 'initial password (visible to ps and shell history: prefer --password-stdin)' },
  'password-stdin': { type: 'boolean', help: 'read the password from standard input (one line)' },
} as const satisfies Record<string, OptionSpec>;

async function readFirstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}

/** The password from --password or --password-stdin, or undefined (a user who cannot sign in with one yet). */
export async function readPassword(values: { password?: string; 'password-stdin'?: boolean }, command: string) {
  if (values.password !== undefined && values['password-stdin']) throw new UsageError('use either --password or --password-stdin, not both', command);
  if (!values['password-stdin']) return values.password;
  const password = await readFirstLine();
  if (!password) throw new UsageError('--password-stdin: standard input is empty', command);
  return password;
}

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

export const userCommands: CommandGroup = { name: 'user', summary: 'users of a realm', commands: [create] };
