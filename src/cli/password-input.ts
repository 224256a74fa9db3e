// Passwords on the command line: --password (visible to ps and shell history) or
// --password-stdin (one line from standard input), never both.
import { createInterface } from 'node:readline';
import { UsageError, type OptionSpec } from './command.js';

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

