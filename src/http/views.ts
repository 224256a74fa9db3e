// Hosted pages are Eta templates in views/. autoEscape is on: `<%= %>` HTML-escapes every value
// (the XSS defence for anything a user or client controls: names, emails, client names, errors).
// Every page goes out with the same headers: never cached (they carry CSRF tokens and personal
// data), no framing (clickjacking), and a CSP allowing no script at all, or, on a page that asks
// for scripts (send's `scripts`), only script files from Gatehouse itself (src/http/static-assets.ts).
import { Eta } from 'eta';
import type { Response } from 'express';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../project-root.js';

export const VIEWS_DIR = join(PROJECT_ROOT, 'views');

// No form-action: Chromium applies it to the redirect after a form post, which must be free
// to reach the client's registered redirect_uri.
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
});

/** PAGE_HEADERS for a page that loads script files from 'self' (never inline) and calls back with fetch. */
export const SCRIPTED_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...PAGE_HEADERS,
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
});

export interface SendOptions {
  /** Script URLs (same origin, e.g. /static/js/passkeys.js) the layout loads as ES modules. */
  scripts?: string[];
}

export interface Views {
  render(name: string, data: Record<string, unknown>): string;
  /** Renders `name` and sends it with PAGE_HEADERS. */
  send(res: Response, name: string, data: Record<string, unknown>, status?: number, options?: SendOptions): void;
}

export function createViews(cache: boolean): Views {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache });
  const render = (name: string, data: Record<string, unknown>) => eta.render(name, data);
  return {
    render,
    send(res, name, data, status = 200, options = {}) {
      const scripts = options.scripts ?? [];
      res.status(status).set(scripts.length ? SCRIPTED_PAGE_HEADERS : PAGE_HEADERS).send(render(name, { realmName: res.locals.realmName, realmDisplayName: res.locals.realmDisplayName, ...data, scripts }));
    },
  };
}
