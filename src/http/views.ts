// Hosted pages are Eta templates in views/. autoEscape is on: `<%= %>` HTML-escapes every value
// (the XSS defence for anything a user or client controls: names, emails, client names, errors).
// Every page goes out with the same headers: never cached (they carry CSRF tokens and personal
// data), no framing (clickjacking), and a CSP allowing no script at all.
import { Eta } from 'eta';
import type { Response } from 'express';
import { fileURLToPath } from 'node:url';

export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

// No form-action: Chromium applies it to the redirect after a form post, which must be free
// to reach the client's registered redirect_uri.
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
});

export interface Views {
  render(name: string, data: Record<string, unknown>): string;
  /** Renders `name` and sends it with PAGE_HEADERS. */
  send(res: Response, name: string, data: Record<string, unknown>, status?: number): void;
}

export function createViews(cache: boolean): Views {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache });
  const render = (name: string, data: Record<string, unknown>) => eta.render(name, data);
  return {
    render,
    send(res, name, data, status = 200) {
      res.status(status).set(PAGE_HEADERS).send(render(name, { realmName: res.locals.realmName, realmDisplayName: res.locals.realmDisplayName, ...data }));
    },
  };
}
