// How a CLI command is declared: its flags (with the help text generated from them), its
// positionals and what it runs. Flags are parsed with node:util parseArgs; the database is
// opened only once the flags are valid, so `--help` and usage errors never touch it.
import { parseArgs } from 'node:util';
export type { Runtime } from '../runtime.js';
import type { Runtime } from '../runtime.js';


export interface OptionSpec {
  type: 'string' | 'boolean';
  help: string;
  /** Placeholder shown in help, e.g. EMAIL. */
  value?: string;
  multiple?: boolean;
  required?: boolean;
}

type OptionValue<S extends OptionSpec> = S['type'] extends 'string' ? string : boolean;

/** Repeatable options are always arrays (empty when absent); required ones are always set. */
export type Values<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K] extends { multiple: true }
    ? OptionValue<O[K]>[]
    : O[K] extends { required: true }
      ? OptionValue<O[K]>
      : OptionValue<O[K]> | undefined;
};

export interface CommandContext<O extends Record<string, OptionSpec>> {
  values: Values<O>;
  /** Positionals, in the order of the command's `positionals`. */
  args: string[];
  open: OpenRuntime;
}

/** Opens the database and services (once); `env` overrides variables for this run. */
export type OpenRuntime = (env?: Record<string, string>) => Promise<Runtime>;

export interface Command {
  group: string;
  name: string;
  summary: string;
  /** Parses argv (flags and positionals after `gatehouse <group> <name>`) and runs the command. */
  run(argv: string[], open: OpenRuntime): Promise<void>;
  help(): string;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: Command[];
}

/** Bad flags or arguments: exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}

export const jsonOption = { type: 'boolean', help: 'print JSON instead of text' } as const satisfies OptionSpec;

function flagUsage(name: string, spec: OptionSpec) {
  const flag = spec.type === 'string' ? `--${name} ${spec.value ?? 'VALUE'}` : `--${name}`;
  const shown = spec.multiple ? `${flag}...` : flag;
  return spec.required ? shown : `[${shown}]`;
}

export function defineCommand<const O extends Record<string, OptionSpec>>(spec: {
  group: string;
  name: string;
  summary: string;
  options: O;
  positionals?: string[];
  /** Replaces the generated synopsis after `gatehouse <group> <name>` (for either/or flags). */
  synopsis?: string;
  details?: string[];
  run(ctx: CommandContext<O>): Promise<void>;
}): Command {
  const positionals = spec.positionals ?? [];
  const title = `${spec.group} ${spec.name}`;
  const help = () => {
    const synopsis = spec.synopsis ?? [...positionals, ...Object.entries(spec.options).map(([n, o]) => flagUsage(n, o))].join(' ');
    const rows = Object.entries(spec.options).map(([n, o]) => [`--${n}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.help + (o.multiple ? ' (repeatable)' : '')]);
    rows.push(['-h, --help', 'show this help']);
    const width = Math.max(...rows.map(([flag]) => flag!.length));
    return [
      `usage: gatehouse ${title} ${synopsis}`,
      '',
      spec.summary,
      ...(spec.details?.length ? ['', ...spec.details] : []),
      '',
      'options:',
      ...rows.map(([flag, text]) => `  ${flag!.padEnd(width)}  ${text}`),
    ].join('\n');
  };
  return {
    group: spec.group,
    name: spec.name,
    summary: spec.summary,
    help,
    async run(argv, open) {
      let parsed;
      try {
        parsed = parseArgs({
          args: argv,
          options: Object.fromEntries(Object.entries(spec.options).map(([n, o]) => [n, { type: o.type, multiple: o.multiple ?? false }])),
          allowPositionals: true,
          strict: true,
        });
      } catch (err) {
        throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'), title);
      }
      const values = parsed.values as Record<string, unknown>;
      for (const [n, o] of Object.entries(spec.options)) {
        if (o.required && values[n] === undefined) throw new UsageError(`--${n} is required`, title);
        if (o.multiple) values[n] ??= [];
      }
      if (parsed.positionals.length !== positionals.length) {
        const expected = positionals.length ? positionals.join(' ') : 'no arguments';
        throw new UsageError(`expected ${expected}, got ${parsed.positionals.length ? parsed.positionals.map((p) => JSON.stringify(p)).join(' ') : 'none'}`, title);
      }
      await spec.run({ values: values as Values<O>, args: parsed.positionals, open });
    },
  };
}

/** True when argv asks for help (before any `--` terminator). */
export function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
