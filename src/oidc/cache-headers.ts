// Caching of the provider's answers.
// - Discovery and JWKS are public and change only when keys or settings do: relying parties and
//   shared caches may keep them for a short while. A rotation publishes new keys
//   `gatehouse keys rotate --activate-after` seconds (default 600) before they sign; an instance
//   without Redis hears of it within the provider pool's 5-minute max age. 300 + 120 < 600, so a
//   client that cached the JWKS the moment before still meets the new key before a token does.
// - Everything oidc-provider marks `no-store` (token, userinfo, introspection, ...) also gets
//   `Pragma: no-cache`: RFC 6749 §5.1 requires both on token responses, for HTTP/1.0 caches.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

export const METADATA_MAX_AGE_SECONDS = 120;
const PUBLIC_ROUTES = new Set(['discovery', 'jwks']);

export function cacheHeaders(): Parameters<Provider['use']>[0] {
  return async (ctx, next) => {
    await next();
    const route = (ctx as KoaContextWithOIDC).oidc?.route;
    if (ctx.status === 200 && route && PUBLIC_ROUTES.has(route)) {
      ctx.set('Cache-Control', `public, max-age=${METADATA_MAX_AGE_SECONDS}`);
    } else if (ctx.response.get('Cache-Control') === 'no-store') {
      ctx.set('Pragma', 'no-cache');
    }
  };
}
