// A Redis outage, answered 503 + Retry-After wherever it is met: in Express (the rate limiters,
// the interaction pages) by src/http/error-handler.ts, and inside oidc-provider (its adapter calls
// the artifact store) by oidc-provider's own error handlers, which know nothing of Express.
//
// Wrapped from outside: whatever the artifact store and the limiters do inside, every promise they
// return that fails with an Error becomes a StoreUnavailableError. A limiter's refusal (a
// RateLimiterRes, not an Error) passes through untouched.
import type Provider from 'oidc-provider';
import type { RedisHealth } from './redis-health.js';
import { ServiceUnavailableError, UNAVAILABLE_MESSAGE, type Dependency } from '../http/unavailable.js';

/**
 * A ServiceUnavailableError that oidc-provider renders as itself. Its error handlers answer
 * `err.statusCode` with `{ error: err.message, error_description }` when `err.expose` is set, and
 * 500 `server_error` otherwise (lib/helpers/err_out.js); on /authorize with a verified client and
 * redirect_uri (`allow_redirect`) the error goes back to the client, as RFC 6749 §4.1.2.1 has
 * `temporarily_unavailable` for: a 503 cannot travel through a redirect.
 */
export class StoreUnavailableError extends ServiceUnavailableError {
  readonly statusCode = 503;
  readonly expose = true;
  readonly error = 'temporarily_unavailable';
  readonly error_description = UNAVAILABLE_MESSAGE;
  readonly allow_redirect = true;
  constructor(dependency: Dependency = 'redis', options?: { cause?: unknown }) {
    super(dependency, 1, options);
    // oidc-provider sends `message` as the RFC 6749 error code.
    this.message = 'temporarily_unavailable';
  }
}

/**
 * `target` with every method whose promise rejects with an Error rejecting with a
 * StoreUnavailableError instead (fail closed: a limiter that cannot count refuses, it never lets
 * the request through). Errors that are not the outage itself (a Redis error reply, say) go to
 * `onOwnError` too: the outage is logged once by `health`, they are not.
 */
export function guardRedisCalls<T extends object>(target: T, health: RedisHealth, onOwnError: (err: unknown) => void): T {
  const wrappers = new WeakMap<(...args: unknown[]) => unknown, (...args: unknown[]) => unknown>();
  const fail = (err: unknown): never => {
    if (!(err instanceof Error) || err instanceof ServiceUnavailableError) throw err;
    if (!health.failed(err)) onOwnError(err);
    throw new StoreUnavailableError('redis', { cause: err });
  };
  const ok = <V>(value: V): V => {
    health.succeeded();
    return value;
  };
  return new Proxy(target, {
    get(t, prop) {
      const value: unknown = Reflect.get(t, prop, t);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      let wrapped = wrappers.get(method);
      if (!wrapped) {
        wrapped = (...args: unknown[]) => {
          const result = method.apply(t, args);
          return result instanceof Promise ? result.then(ok, fail) : result;
        };
        wrappers.set(method, wrapped);
      }
      return wrapped;
    },
  });
}

/**
 * Koa middleware for a realm's provider: oidc-provider sets the status and body of an error but
 * no Retry-After, which a 503 should carry (RFC 9110 §10.2.3, §15.6.4).
 */
export const retryAfterOn503: Parameters<Provider['use']>[0] = async (ctx, next) => {
  await next();
  if (ctx.status === 503 && !ctx.response.get('Retry-After')) ctx.set('Retry-After', '1');
};
