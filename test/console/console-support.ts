// Console test helpers: developer accounts (users of the admin realm) and a browser signed in
// to the console through the admin realm's hosted login, as a developer would.
import { expect } from 'vitest';
import { Browser, type Page } from '../support/browser.js';
import { buildUser } from '../support/builders.js';
import type { TestGatehouse } from '../support/gatehouse.js';

export async function buildDeveloper(gh: TestGatehouse) {
  const admin = await gh.services.realms.ensureAdminRealm();
  return buildUser(gh, admin);
}

/** Signs in to the console from a fresh browser; returns it and the realm list page. */
export async function consoleSignIn(gh: TestGatehouse, dev: { email: string; password: string }, browser = new Browser(gh.url)): Promise<{ browser: Browser; page: Page }> {
  const login = await browser.navigate(`${gh.url}/console`);
  expect(login.url).toContain('/realms/admin/interaction/');
  const page = await browser.submit(login, '/login', { email: dev.email, password: dev.password });
  expect(page.url).toBe(`${gh.url}/console`);
  return { browser, page };
}

/** The CSRF token of the first form on a page. */
export const csrfOn = (html: string) => /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
