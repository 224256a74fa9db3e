// What every bench hands the runner (run.ts): rows of one figure of Gatehouse against its
// baseline and the target that applies, printed together in one table. A bench file is also a
// command of its own (npm run bench:xyz) when run directly: isMain tells the two apart.
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';

export interface BenchRow {
  name: string;
  gatehouse: string;
  baseline: string;
  /** Gatehouse's figure over the baseline's, when a ratio is what the target is about. */
  ratio: number | null;
  target: string;
  met: boolean;
  /** The bench itself failed (wrong answers, an error): no figure, whatever the mode. */
  failed?: boolean;
}

/** Whether the module at `moduleUrl` is the script node was started with (not an import). */
export const isMain = (moduleUrl: string) => process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;

export const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** One table; `assert`: whether an unmet target counts (a smoke checks answers, not speed). */
export function printRows(rows: BenchRow[], assert = true) {
  console.table(rows.map((r) => ({
    bench: r.name, gatehouse: r.gatehouse, baseline: r.baseline, ratio: r.ratio === null ? '' : r.ratio.toFixed(2), target: r.target,
    met: r.failed ? 'FAILED' : assert ? (r.met ? 'yes' : 'NO') : 'smoke',
  })));
  return rows.filter((r) => !r.met).length;
}
