// oidc-provider renders every error it did not raise itself as 500 server_error
// (lib/shared/error_handler.js): a database that times out under findAccount or
// loadExistingGrant, or a ServiceUnavailableError from a store, would reach the client as a 500.
// The error handler reports such errors on the 'server_error' event, with the context, before
// the response is sent; this marks the context and, once the provider is done with it, answers
// 503 temporarily_unavailable with Retry-After instead (RFC 6749 §4.1.2.1 / §5.2 shape, RFC 9110
// §10.2.3), or the error page in a browser.
import type Provider from 'oidc-provider';
import type { ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { databaseUnavailable } from '../db/unavailable.js';
import { UNAVAILABLE_MESSAGE, type ServiceUnavailableError } from '../http/unavailable.js';

export function answerUnavailable(provider: Provider, renderError: (ctx: KoaContextWithOIDC, out: ErrorOut, err: Error) => Promise<void>) {
  const unavailable = new WeakMap<object, ServiceUnavailableError>();
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: unknown) => {
    const u = databaseUnavailable(err);
    if (u) unavailable.set(ctx, u);
  });
  provider.use(async (ctx, next) => {
    await next();
    const u = unavailable.get(ctx);
    if (!u) return;
    ctx.status = 503;
    ctx.set('Retry-After', String(u.retryAfterSeconds));
    const out: ErrorOut = { error: 'temporarily_unavailable', error_description: UNAVAILABLE_MESSAGE };
    if (ctx.accepts('json', 'html') === 'html') await renderError(ctx as KoaContextWithOIDC, out, u);
    else ctx.body = out;
  });
}
