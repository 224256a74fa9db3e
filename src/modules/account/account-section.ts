// The end-user account page (/realms/{realm}/account) is a list of sections, each owned by the
// module it is about (profile, password, passkeys, TOTP, recovery codes, sessions, apps,
// activity). A section renders its part of the overview and mounts its own routes under
// /realms/{realm}/account/<id>; adding one is adding an entry to account-sections.ts, not editing
// the others. The account page (account.routes.ts) signs the user in through the realm's own
// OIDC (src/modules/first-party/), applies no-store and CSRF, and hands each section an
// AccountContext.
import type { Request, RequestHandler, Response, Router } from 'express';
import type { SendOptions } from '../../http/views.js';

export interface AccountContext {
  /** The signed-in user (a user of the realm the page belongs to, realmOf(res)). */
  userId: string;
  /** When the user last authenticated (seconds since the epoch, the ID token's auth_time). */
  authTime: number;
  /** RFC 8176 methods of that authentication (e.g. ['pwd'], ['pwd', 'otp', 'mfa']). */
  amr: string[];
  /** The acr of that authentication (MFA_ACR after a second factor). */
  acr?: string;
  /** Whether authTime is recent enough for a sensitive change (step-up window). */
  recent: boolean;
  /** Whether that recent authentication included a second factor (amr has `mfa`). */
  recentMfa: boolean;
  /** The uid of the realm session (oidc-provider's Session) this page was signed in from: "this browser". */
  sessionUid?: string;
  /** The CSRF token every form of the page carries (field name `_csrf`). */
  csrfToken: string;
  /** `/realms/{realm}/account`: forms post to `${base}/<section id>/...`. */
  base: string;
}

export interface AccountRouteKit {
  /** Sends the browser through a fresh sign-in (step-up) unless ctx.recent; then back to the page it asked for. */
  recent: RequestHandler;
  /** Like `recent`, and the fresh authentication must include a second factor (acr_values = MFA_ACR). */
  recentMfa: RequestHandler;
  /** Parses urlencoded forms (small limit). */
  form: RequestHandler;
  /** Parses JSON bodies (small limit), for script-driven calls such as WebAuthn. */
  json: RequestHandler;
  /** Checks the CSRF token (form field `_csrf` or header `x-csrf-token`); put it after the body parser. */
  csrf: RequestHandler;
  /** Renders `view` inside the account layout (navigation, realm display name), no-store. */
  page(req: Request, res: Response, view: string, data: Record<string, unknown>, status?: number, options?: SendOptions): void;
  /** Back to the overview with a one-line notice ("Passkey removed."), 303. */
  done(req: Request, res: Response, notice: string): void;
}

/** For routes a section serves without the account session (e.g. a mailed link opened in another browser). */
export interface AccountPublicKit {
  form: RequestHandler;
  csrf: RequestHandler;
  csrfToken(req: Request, res: Response): string;
  /** Renders `view` in the site layout, no-store. */
  send(res: Response, view: string, data: Record<string, unknown>, status?: number): void;
}

export interface AccountSection {
  /** Path segment of its routes and its anchor on the overview. */
  id: string;
  /** Heading on the overview and in the navigation. */
  title: string;
  /** Its part of the overview page: HTML rendered from a view (escaped by Eta), with forms posting under `${ctx.base}/${id}/`. */
  render(req: Request, res: Response, ctx: AccountContext): Promise<string>;
  /** Mounts its routes on `router` (at /realms/{realm}/account/<id>); the account session is checked before them. */
  routes?(router: Router, kit: AccountRouteKit): void;
  /** Mounts routes at /realms/{realm}/account/<id> that need no account session; mounted before the session check. */
  publicRoutes?(router: Router, kit: AccountPublicKit): void;
  /** Script files the overview loads for this section (e.g. the passkey enrollment module). */
  scripts?: string[];
}

/** The AccountContext of a request that passed the account page's session check. */
export function accountOf(res: Response): AccountContext {
  const ctx = res.locals.account as AccountContext | undefined;
  if (!ctx) throw new Error('account context missing: route mounted outside the account page');
  return ctx;
}
