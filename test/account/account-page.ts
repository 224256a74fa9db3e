// What the account page tests share: signing a browser in to /realms/{realm}/account (password,
// then a TOTP code when asked), reading the overview, and aging the page's sign-in past the
// step-up window (the stored session's auth_time moved back, as if the time had passed).
import { expect } from 'vitest';
import { RECENT_AUTH_SECONDS } from '../../src/modules/account/account.routes.js';
import { accountIndexKey } from '../../src/stores/artifact-keys.js';
import { Browser, formOn, type Page } from '../support/browser.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { totpAt } from '../mfa/mfa-support.js';

export { textOf } from '../accounts/account-flows.js';

export const accountUrl = (gh: TestGatehouse, realmName: string, path = '') => `${gh.url}/realms/${realmName}/account${path}`;

export interface Person { email: string; password: string; secret?: string }

/** Answers the hosted sign-in pages on `page` (login, then a TOTP code) until it leaves them. */
export async function passSignIn(browser: Browser, page: Page, who: Person, offset = 0): Promise<Page> {
  let current = page;
  if (current.html.includes('name="password"') && current.url.includes('/interaction/')) current = await browser.submit(current, '/login', { email: who.email, password: who.password });
  if (current.html.includes('/mfa/totp"')) {
    expect(who.secret, 'asked for a second factor').toBeTruthy();
    current = await browser.submit(current, '/mfa/totp', { code: totpAt(who.secret!, offset) });
  }
  return current;
}

/** A browser signed in to the account page; `overview` is the page it lands on. */
export async function openAccount(gh: TestGatehouse, realmName: string, who: Person, browser = new Browser(gh.url)) {
  const first = await browser.navigate(accountUrl(gh, realmName));
  const overview = await passSignIn(browser, first, who);
  expect(overview.url).toBe(accountUrl(gh, realmName));
  return { browser, overview };
}

/** Moves the auth_time of every account-page session of the user back past the step-up window. */
export async function ageSignIn(gh: TestGatehouse, realmId: string, userId: string) {
  const { artifacts } = gh.stores;
  const protector = gh.services.artifactProtector;
  for (const key of await artifacts.indexMembers(accountIndexKey(realmId, protector.name(userId)))) {
    if (!key.includes(':FirstPartySession:')) continue;
    const stored = await artifacts.get(key);
    const opened = stored && protector.open(stored.sealed, key);
    if (!opened) continue;
    const session = JSON.parse(opened) as { authTime: number };
    session.authTime -= RECENT_AUTH_SECONDS + 60;
    await artifacts.set(key, { sealed: protector.seal(JSON.stringify(session), key) }, 600);
  }
}

/** Posts a form of the page without following redirects. */
export async function post(browser: Browser, page: Page, action: string, fields: Record<string, string> = {}) {
  const form = formOn(page.html, action);
  return browser.request(new URL(form.action, page.url).href, { form: { ...form.fields, ...fields } });
}
