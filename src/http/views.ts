// Hosted pages are Eta templates in views/. autoEscape is on: `<%= %>` HTML-escapes every value
// (the XSS defence for anything a user or client controls: names, emails, client names, errors).
import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';

export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

export interface Views {
  render(name: string, data: Record<string, unknown>): string;
}

export function createViews(cache: boolean): Views {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache });
  return { render: (name, data) => eta.render(name, data) };
}
