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

/**
 * Pins them on the provider's Koa request prototype (an oidc-provider 9 Provider is the Koa app;
 * each ctx.request is made from provider.request), once: the same shadowing as setting them on
 * every ctx.request, without giving every request object properties of its own.
 */
export function pinPublicOrigin(provider: Provider, baseUrl: string) {
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
}
