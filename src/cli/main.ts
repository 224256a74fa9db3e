// gatehouse: the operator's command line. `gatehouse <group> <command> [flags]`; see --help.
// Exit codes: 0 done, 1 refused (validation, conflict, not found), 2 usage, 78 configuration.
import { UsageError, wantsHelp, type CommandGroup } from './command.js';
import { adminCommands } from './commands/admin.js';
import { apiKeyCommands } from './commands/api-key.js';
import { appCommands } from './commands/app.js';
import { dbCommands } from './commands/db.js';
import { keysCommands } from './commands/keys.js';
import { realmCommands } from './commands/realm.js';
import { resourceCommands } from './commands/resource.js';
import { userCommands } from './commands/user.js';
import { flushOutput, note, print, reportError } from './output.js';
import { runtimeOpener } from './runtime.js';

const groups: CommandGroup[] = [adminCommands, apiKeyCommands, realmCommands, appCommands, resourceCommands, userCommands, keysCommands, dbCommands];

function helpText(shown: CommandGroup[], title: string) {
  const rows = shown.flatMap((g) => g.commands.map((c) => [`${g.name} ${c.name}`, c.summary]));
  const width = Math.max(...rows.map(([name]) => name!.length));
  return [
    title,
    '',
    'commands:',
    ...rows.map(([name, summary]) => `  ${name!.padEnd(width)}  ${summary}`),
    '',
    'Configuration comes from the environment, as for the server (DATABASE_URL, REDIS_URL, MASTER_KEY, DATA_DIR, ...).',
    'Run "gatehouse <command> --help" for its flags.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'help') argv = [...argv.slice(1), '--help'];
  const [groupName, commandName, ...rest] = argv;
  if (groupName === undefined) {
    note(helpText(groups, 'usage: gatehouse <command> [flags]'));
    return 2;
  }
  if (groupName === '--help' || groupName === '-h') {
    print(helpText(groups, 'usage: gatehouse <command> [flags]'));
    return 0;
  }
  const group = groups.find((g) => g.name === groupName);
  if (!group) throw new UsageError(`unknown command "${groupName}"`);
  const command = group.commands.find((c) => c.name === commandName);
  if (!command) {
    if (commandName === undefined || commandName.startsWith('-')) {
      if (wantsHelp(argv.slice(1))) {
        print(helpText([group], `usage: gatehouse ${group.name} <command> [flags]  (${group.summary})`));
        return 0;
      }
      throw new UsageError(`"${group.name}" needs a command: ${group.commands.map((c) => c.name).join(', ')}`, group.name);
    }
    throw new UsageError(`unknown command "${group.name} ${commandName}"`, group.name);
  }
  if (wantsHelp(rest)) {
    print(command.help());
    return 0;
  }
  const runtime = runtimeOpener();
  try {
    await command.run(rest, runtime.open);
    return 0;
  } finally {
    await runtime.close();
  }
}

let exitCode: number;
try {
  exitCode = await main(process.argv.slice(2));
} catch (err) {
  exitCode = reportError(err);
}
await flushOutput();
// The database pool and engine timers are closed, but nothing else should keep a CLI alive.
process.exit(exitCode);
