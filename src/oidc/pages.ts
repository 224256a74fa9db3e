// The provider's own HTML: error page, logout confirmation and "signed out". Rendered from views/
// with escaping; an error page never redirects, so an unregistered redirect_uri can't be used
// as an open redirector (RFC 6749 §4.1.2.1).
import type { KoaContextWithOIDC, ErrorOut } from 'oidc-provider';
import { PAGE_HEADERS, type Views } from '../http/views.js';

const FRIENDLY: Record<string, string> = {
  invalid_redirect_uri: 'The application sent you here with a return address it has not registered. Nothing was sent back to it.',
  invalid_client: 'The application that sent you here is not known in this realm.',
  invalid_request: 'The sign-in request was not valid.',
  access_denied: 'Access was denied.',
  login_required: 'You need to sign in again.',
};

export function createPages(views: Views, realmName: string, realmDisplayName: string) {
  const page = (ctx: KoaContextWithOIDC, name: string, data: Record<string, unknown>) => {
    ctx.set(PAGE_HEADERS);
    ctx.body = views.render(name, { realmName, realmDisplayName, ...data });
  };
  return {
    async renderError(ctx: KoaContextWithOIDC, out: ErrorOut) {
      page(ctx, 'error', {
        title: 'Sign-in could not continue',
        message: FRIENDLY[out.error] ?? out.error_description ?? 'Something went wrong.',
        code: out.error,
        requestId: ctx.get('x-request-id') || undefined,
      });
    },
    async logoutSource(ctx: KoaContextWithOIDC, form: string) {
      // `form` is oidc-provider's own markup carrying its CSRF token; it is trusted HTML.
      page(ctx, 'logout', { form, clientName: ctx.oidc.client?.clientName });
    },
    async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
      page(ctx, 'logged-out', { clientName: ctx.oidc.client?.clientName });
    },
  };
}
