// Durations on the command line: a whole number with a unit, s m h d (e.g. 90d, 24h, 0).
import { UsageError } from './command.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in `raw` ("0", "30s", "15m", "24h", "90d"); a usage error naming `flag` otherwise. */
export function parseDuration(raw: string, flag: string, command: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(raw);
  if (!m) throw new UsageError(`${flag} must be a whole number with an optional unit s, m, h or d (e.g. 24h, 90d), got "${raw}"`, command);
  return Number(m[1]) * UNIT_SECONDS[m[2] || 's']!;
}
