// Which database errors mean "PostgreSQL cannot answer right now" (down, hung, saturated) rather
// than "this request is wrong" or a bug: those become ServiceUnavailableError, answered 503 with
// Retry-After (RFC 9110 §15.6.4) by the error handler, inside oidc-provider too
// (src/oidc/provider-unavailable.ts). Measured with Prisma 7.10 + adapter-pg on a SIGSTOPped and
// a stopped server: the shapes below are what the pool timeouts and a refused connection give.
import { ServiceUnavailableError } from '../http/unavailable.js';

/** Prisma: can't reach (P1001), timed out (P1002, P1008), connection closed (P1017), pool timeout (P2024), can't start a transaction in time (P2028). */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/**
 * PostgreSQL SQLSTATE (Appendix A): 57014 query_canceled (statement_timeout), 57P01-57P03
 * shutdown / crash / cannot connect now, 53300 too_many_connections, 53400 configuration limit
 * exceeded, 55P03 lock_not_available, class 08 connection exceptions.
 */
const isUnavailableSqlState = (code: string) => /^(57014|57P0[123]|53300|53400|55P03|08...)$/.test(code);
/** adapter-pg's error kinds for socket-level failures. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** node-postgres's own errors: its connection and query timeouts, a connection lost mid-query. */
const PG_MESSAGES = /^(timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error)/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
}

function isUnavailableError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && (PRISMA_CODES.has(code) || SOCKET_CODES.has(code))) return true;
  // A pg error has a severity; its code is a SQLSTATE.
  if (code && 'severity' in e && isUnavailableSqlState(code)) return true;
  if (typeof e.originalCode === 'string' && isUnavailableSqlState(e.originalCode)) return true;
  if (typeof e.kind === 'string' && (ADAPTER_KINDS.has(e.kind) || (e.kind === 'postgres' && code && isUnavailableSqlState(code)))) return true;
  if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true;
  return isUnavailableError(e.meta?.driverAdapterError?.cause, depth + 1) || isUnavailableError(e.cause, depth + 1);
}

/** The 503 to answer for `err` when it means the database cannot answer now; undefined otherwise. */
export function databaseUnavailable(err: unknown): ServiceUnavailableError | undefined {
  if (err instanceof ServiceUnavailableError) return err;
  return isUnavailableError(err) ? new ServiceUnavailableError('database', 1, { cause: err }) : undefined;
}

const REPORT_EVERY_MS = 5000;
let lastReport = 0;
let unreported = 0;

/**
 * One warning per few seconds while the database is unavailable, with how many requests it
 * failed meanwhile: not one line per request, which under load would flood the log. The line
 * names the failure (a message like "Query read timeout"), never a query or its parameters.
 */
export function reportDatabaseUnavailable(logger: { warn(obj: object, msg: string): void }, err: unknown): void {
  unreported++;
  const now = Date.now();
  if (now - lastReport < REPORT_EVERY_MS) return;
  const e = err as { code?: unknown; message?: unknown };
  const reason = typeof e?.code === 'string' && e.code ? e.code : String(e?.message ?? err).split('\n').filter(Boolean).pop()?.slice(0, 160);
  logger.warn({ dependency: 'database', reason, failedRequests: unreported }, 'database unavailable: answering 503');
  lastReport = now;
  unreported = 0;
}
