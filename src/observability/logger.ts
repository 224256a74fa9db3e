// pino JSON logs. Secrets never reach a log line: request logs carry the path without its query
// string (codes, tokens and state travel there), and these fields are censored wherever they appear.
import { pino, type Logger } from 'pino';

export const REDACTED_FIELDS = [
  'password', 'newPassword', 'client_secret', 'clientSecret', 'secret', 'code', 'code_verifier',
  'token', 'access_token', 'refresh_token', 'id_token', 'id_token_hint', 'apiKey', 'api_key', 'key',
  'authorization', 'cookie', 'set-cookie', 'masterKey', 'privateJwk', '_csrf',
];

/** In pino's path syntax: a name with a dash goes in brackets. */
const pathOf = (p: string) => (p.includes('-') ? p.replace(/(^|\.)([^.]*-[^.]*)/g, '$1["$2"]') : p);
const CENSOR = '[redacted]';
const TOP_LEVEL_PATHS = REDACTED_FIELDS.map(pathOf);
const ALL_PATHS = [...REDACTED_FIELDS, ...REDACTED_FIELDS.map((f) => `*.${f}`), ...REDACTED_FIELDS.map((f) => `*.*.${f}`)].map(pathOf);

/**
 * Standard output, written synchronously: each line is in the kernel's hands (the pipe, the
 * file, journald) when the call returns, so a crash or a kill -9 loses no line already logged.
 * pino's default destination buffers while a write is in flight and lost the last seconds of
 * lines at a crash, the very lines (500s and their request ids) that explain it. Cost: one
 * write(2) per line (measured on the token path: see bench/audit-durable.ts).
 */
export const stdoutDestination = () => pino.destination({ dest: 1, sync: true });

export function createLogger(level: string, destination: pino.DestinationStream = stdoutDestination()): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      redact: { paths: ALL_PATHS, censor: CENSOR },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/**
 * For lines whose fields are all strings and numbers the caller picked, such as the line logged
 * for every request: the fields are censored at the top level as on every line, and the nested
 * paths are left out. Those cannot match inside a string or a number, yet they are most of what
 * a line costs: @pinojs/redact 0.4 parses each of the 42 wildcard paths again for every field of
 * every line (measured: ~55 µs a request line with them, ~3 µs without).
 */
export function flatLineLogger(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: TOP_LEVEL_PATHS, censor: CENSOR } });
}

export type { Logger };
