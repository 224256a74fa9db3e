// A dependency (Redis, PostgreSQL) that cannot answer right now. Thrown by the stores and the
// database layer when they give up fast (a bounded wait, never a hang), and answered everywhere
// as 503 with Retry-After (RFC 9110 §15.6.4, §10.2.3): `temporarily_unavailable` on protocol
// endpoints (RFC 6749 §4.1.2.1, §5.2 shape), problem+json `service_unavailable` on the API, the
// error page in a browser. It carries no detail of the failure: that goes to the log.
export type Dependency = 'redis' | 'database';

export class ServiceUnavailableError extends Error {
  readonly status = 503;
  readonly code = 'service_unavailable';
  constructor(
    readonly dependency: Dependency,
    /** What the client should wait before retrying (Retry-After, whole seconds). */
    readonly retryAfterSeconds = 1,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options);
  }
}

export const isUnavailable = (err: unknown): err is ServiceUnavailableError => err instanceof ServiceUnavailableError;

/** The words a person reads on the error page and a client reads in error_description. */
export const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable. Try again in a moment.';
