// gatehouse admin create: a developer account, i.e. a user of the reserved `admin` realm. It
// owns realms and holds platform API keys.
import { defineCommand, type CommandGroup } from '../command.js';
import { note } from '../output.js';
import { createUser, passwordOptions, readPassword } from './user.js';

const create = defineCommand({
  group: 'admin',
  name: 'create',
  summary: 'Create a developer account (a user of the reserved "admin" realm) and print its id.',
  details: ['Then: gatehouse api-key create --admin EMAIL, and gatehouse realm create NAME --owner EMAIL.'],
  options: {
    email: { type: 'string', value: 'EMAIL', help: 'email address of the developer', required: true },
    ...passwordOptions,
    name: { type: 'string', value: 'NAME', help: 'display name' },
  },
  async run({ values, open }) {
    const password = await readPassword(values, 'admin create');
    const runtime = await open();
    const adminRealm = await runtime.services.realms.ensureAdminRealm();
    await createUser(runtime.services.forRealm(adminRealm), { email: values.email, password, name: values.name });
    if (password === undefined) note('note: no password set; the account can use API keys but cannot sign in with a password');
  },
});

export const adminCommands: CommandGroup = { name: 'admin', summary: 'developer accounts', commands: [create] };
