// Whether Redis is reachable right now, as every Redis client of this process sees it, and the
// only place an outage is logged: one line when Redis goes away, one when it is back, however
// many clients, commands and reconnect attempts there are in between (a log line per failed
// command would flood the log at thousands of requests a second).
//
// Down: a client lost its connection ('close', which ioredis emits before each reconnect attempt)
// or commands kept timing out for HUNG_AFTER_MS with no answer in between (a hung or partitioned
// Redis keeps the socket open, so only the commandTimeout notices; a single timeout may be this
// process's own event loop running late, and is not called an outage). Up: every client is
// 'ready' again and a command answered since the last timeout.
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

export interface RedisHealth {
  readonly up: boolean;
  /** Follows a client's connection; also its `error` listener (no "[ioredis] Unhandled error event"). */
  watch(name: string, client: Redis): void;
  /** A command answered. */
  succeeded(): void;
  /** A command failed: true when that is the outage (already logged), false for an error of its own. */
  failed(err: unknown): boolean;
  /** Shutting down: the connections closed on purpose are not an outage. */
  stop(): void;
}

/** The errors ioredis gives for a command it could not deliver or got no answer to. */
const OUTAGE_MESSAGES = /^(Command timed out|Stream isn't writeable|Reached the max retries per request limit|Connection is closed)/;
const HUNG_AFTER_MS = 1000;
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function createRedisHealth(logger: Pick<Logger, 'error' | 'info'>): RedisHealth {
  const disconnected = new Set<string>();
  let timedOut = false;
  let timingOutSince: number | undefined;
  let stopped = false;
  let downSince: number | undefined;
  /** Why the first client went: kept from its `error` event for the "back" line. */
  let cause: string | undefined;

  const update = () => {
    if (stopped) return;
    const down = disconnected.size > 0 || timedOut;
    if (down && downSince === undefined) {
      downSince = Date.now();
      // No URL in the line: it may carry a password.
      logger.error({ dependency: 'redis', clients: [...disconnected], timedOut }, 'redis unreachable: requests that need it are answered 503 until it is back');
    } else if (!down && downSince !== undefined) {
      logger.info({ dependency: 'redis', downMs: Date.now() - downSince, cause }, 'redis reachable again');
      downSince = undefined;
      cause = undefined;
    }
  };

  return {
    get up() {
      return downSince === undefined;
    },
    watch(name, client) {
      client.on('ready', () => {
        disconnected.delete(name);
        update();
      });
      client.on('close', () => {
        disconnected.add(name);
        update();
      });
      client.on('error', (err: NodeJS.ErrnoException) => {
        cause ??= err.code ?? err.message;
      });
    },
    succeeded() {
      timingOutSince = undefined;
      if (!timedOut) return;
      timedOut = false;
      update();
    },
    failed(err) {
      const e = err as NodeJS.ErrnoException | undefined;
      if (e?.message?.startsWith('Command timed out')) {
        timingOutSince ??= Date.now();
        if (!timedOut && Date.now() - timingOutSince >= HUNG_AFTER_MS) {
          cause ??= 'commands timed out';
          timedOut = true;
          update();
        }
      }
      return downSince !== undefined || stopped || OUTAGE_MESSAGES.test(e?.message ?? '') || OUTAGE_CODES.has(e?.code ?? '');
    },
    stop() {
      stopped = true;
    },
  };
}
