// oidc-provider builds every absolute URL it emits (discovery's endpoints, jwks_uri, the resume
// URL after a hosted page, the logout form's action, client-assertion and DPoP audiences) from
// the request: Koa's ctx.origin, i.e. the Host header, or X-Forwarded-Host once `proxy` is on.
// Both are written by the client, so `Host: evil.example` would put evil.example in discovery,
// and a shared cache in front could serve that to every relying party. The public origin is
// BASE_URL's (the issuer's, OpenID Connect Discovery 1.0 §3 / RFC 8414 §3: the metadata's URLs
// belong to the issuer), whatever the request says.
// Only the URL parts are pinned: ctx.protocol / ctx.secure still come from the connection and,
// with TRUST_PROXY, X-Forwarded-Proto, so whether a secure cookie may be set stays the
// connection's question; the client address stays Express's req.ip (provider-events.ts).
import type Provider from 'oidc-provider';

/** Koa's request, response and context prototypes of the first provider on each public origin. */
const SHARED = new Map<string, Pick<Provider, 'context' | 'request' | 'response'>>();

/**
 * Pins them on the provider's Koa request prototype (an oidc-provider 9 Provider is the Koa app;
 * each ctx.request is made from provider.request), once: the same shadowing as setting them on
 * every ctx.request, without giving every request object properties of its own.
 *
 * Every provider on the same origin then shares one set of Koa prototypes (context, request,
 * response): Koa gives each app its own (Object.create in its constructor) and neither Koa nor
 * oidc-provider puts anything app-specific on them (ctx.app is set per context). V8 gives objects
 * made from different prototypes different hidden classes, so with a prototype per realm every
 * property access in Koa and oidc-provider saw thousands of shapes once thousands of realms were
 * served (megamorphic inline caches: the 10,000-realm benchmark's main cost).
 */
export function pinPublicOrigin(provider: Provider, baseUrl: string) {
  // oidc-provider's ctx.oidc.urlFor takes the mount path as the part of the URL before the first
  // occurrence of the route's path: in /realms/token-ab12/token that is /realms, so a realm named
  // like an endpoint got its own endpoints wrong (DPoP htu and client assertion audiences
  // refused). The provider's own urlFor builds them from the issuer, which is the realm's mount
  // path on the public origin: every URL the provider emits is made that way.
  provider.OIDCContext.prototype.urlFor = (name: string, opt?: Parameters<Provider['urlFor']>[1]) => provider.urlFor(name, opt);
  const shared = SHARED.get(baseUrl);
  if (shared) {
    Object.assign(provider, shared);
    return;
  }
  const { origin, host, hostname } = new URL(baseUrl);
  /** The request's path and query on the public origin (an absolute-form target keeps only those). */
  const publicUrl = (originalUrl: string) => new URL(originalUrl.replace(/^https?:\/\/[^/]*/i, ''), origin);
  // They shadow Koa's request getters; ctx.href, ctx.URL and ctx.host delegate to them.
  // (Koa's request.origin is the Origin header, which CORS needs: left alone.)
  Object.defineProperties(provider.request, {
    host: { configurable: true, value: host },
    hostname: { configurable: true, value: hostname },
    href: { configurable: true, get(this: { originalUrl: string }) { return publicUrl(this.originalUrl).href; } },
    URL: { configurable: true, get(this: { originalUrl: string }) { return publicUrl(this.originalUrl); } },
  });
  SHARED.set(baseUrl, { context: provider.context, request: provider.request, response: provider.response });
}
