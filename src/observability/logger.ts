// pino JSON logs. Secrets never reach a log line: request logs carry the path without its query
// string (codes, tokens and state travel there), and these fields are censored wherever they appear.
import { pino, type Logger } from 'pino';

export const REDACTED_FIELDS = [
  'password', 'newPassword', 'client_secret', 'clientSecret', 'secret', 'code', 'code_verifier',
  'token', 'access_token', 'refresh_token', 'id_token', 'id_token_hint', 'apiKey', 'api_key', 'key',
  'authorization', 'cookie', 'set-cookie', 'masterKey', 'privateJwk', '_csrf',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      redact: {
        paths: [...REDACTED_FIELDS, ...REDACTED_FIELDS.map((f) => `*.${f}`), ...REDACTED_FIELDS.map((f) => `*.*.${f}`)].map((p) =>
          p.includes('-') ? p.replace(/(^|\.)([^.]*-[^.]*)/g, '$1["$2"]') : p,
        ),
        censor: '[redacted]',
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

export type { Logger };
