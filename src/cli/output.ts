// Everything the CLI writes. stdout carries only results (ids, keys, tables, JSON) so they can
// be captured with $(...); notes and errors go to stderr. Errors never show a stack trace.
import { ConfigError } from '../config/config.js';
import { ProblemError } from '../http/problem.js';
import { UsageError } from './command.js';

export const print = (text = '') => void process.stdout.write(`${text}\n`);
export const note = (text: string) => void process.stderr.write(`${text}\n`);
export const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));

/** Aligned `label  value` lines; undefined values are left out. */
export function printFields(fields: Array<[string, string | undefined]>) {
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length));
  for (const [label, value] of shown) print(`${label.padEnd(width)}  ${value}`);
}

export function printTable(headers: string[], rows: string[][]) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const row of [headers, ...rows]) print(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

/** Writes the error to stderr and returns the exit code: 2 usage, 78 configuration, 1 otherwise. */
export function reportError(err: unknown): number {
  if (err instanceof UsageError) {
    note(`error: ${err.message}`);
    note(err.command ? `run "gatehouse ${err.command} --help" for usage` : 'run "gatehouse --help" for usage');
    return 2;
  }
  if (err instanceof ProblemError) {
    note(`error: ${err.code}: ${err.detail ?? err.title}`);
    for (const e of err.errors) note(`  ${e.path}: ${e.message}`);
    return 1;
  }
  if (err instanceof ConfigError) {
    note(err.message);
    return 78; // EX_CONFIG, as `npm start`
  }
  note(`error: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
}

/** Resolves once stdout and stderr have handed over what was written (before process.exit). */
export async function flushOutput() {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
}
