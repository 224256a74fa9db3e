// oidc-provider events → audit events (through the batching AuditWriter: token grants are the
// hottest path) and logs.
import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../observability/logger.js';
import type { AuditWriter } from '../modules/audit/audit-writer.js';
import { databaseUnavailable, reportDatabaseUnavailable } from '../db/unavailable.js';

/** Express's req.ip (the trusted hops of X-Forwarded-For only), not Koa's leftmost entry. */
function requestFacts(ctx: KoaContextWithOIDC) {
  const ip = (ctx.req as IncomingMessage & { ip?: string }).ip ?? ctx.ip;
  return { ip, userAgent: ctx.get('user-agent') || null, requestId: ctx.get('x-request-id') || null };
}

export function attachProviderEvents(provider: Provider, realmId: string, auditWriter: AuditWriter, logger: Logger) {
  const audit = (ctx: KoaContextWithOIDC, action: string, actor: string, target: string | null, data: Record<string, string> = {}) => {
    auditWriter.write(realmId, { actor, action, target, ...requestFacts(ctx), data });
  };

  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const client = ctx.oidc.client?.clientId ?? 'unknown';
    const grantType = String(ctx.oidc.params?.grant_type ?? '');
    const accountId = ctx.oidc.entities.Account?.accountId ?? ctx.oidc.entities.RefreshToken?.accountId ?? ctx.oidc.entities.AuthorizationCode?.accountId;
    audit(ctx, 'token.granted', `app:${client}`, accountId ? `user:${accountId}` : null, { grantType });
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, err: Error & { error?: string }) => {
    audit(ctx, 'token.denied', `app:${ctx.oidc.client?.clientId ?? 'unknown'}`, null, { error: err.error ?? 'error' });
  });
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC, grantId: string) => {
    audit(ctx, 'grant.revoked', `app:${ctx.oidc.client?.clientId ?? 'unknown'}`, `grant:${grantId}`);
  });
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    audit(ctx, 'logout', ctx.oidc.session?.accountId ? `user:${ctx.oidc.session.accountId}` : 'anonymous', null);
  });
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: Error) => {
    // Answered 503 by provider-unavailable.ts and reported once per outage, not per request.
    if (databaseUnavailable(err)) return reportDatabaseUnavailable(logger, err);
    logger.error({ err, requestId: ctx.get('x-request-id') }, 'oidc server_error');
  });
}
