// The developer console in Chromium, as a developer meets it: first-run account → sign in through
// the admin realm → create a realm (keyboard only) → create a web app → copy its credentials with
// the copy buttons → run the code flow with them (openid-client) → see that sign-in in the
// console's audit log; then an API key made on the API keys page works with curl against
// /api/v1 and gets 401 once revoked there; and a service app's secret rotated with a grace period
// leaves both secrets getting tokens with curl, until a rotation with grace 0 stops the earlier
// ones; a realm's APIs page registers an API and its API keys page makes a key for that realm
// alone. Every console page is axe-clean and fits at 1280 and 375 px.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { discover, signIn } from '../support/relying-party.js';

const DEV = { email: 'dev@example.com', password: 'developer password' };
const END_USER = { email: 'end.user@example.com', password: 'end user password' };
const CALLBACK = 'http://localhost:8080/cb';
const run = promisify(execFile);

/** Real curl: the response's status and body. */
async function curl(...args: string[]) {
  const { stdout } = await run('curl', ['-s', '-w', '\n%{http_code}', ...args]);
  const end = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(end + 1)), body: stdout.slice(0, end) };
}

describe.runIf(chromiumAvailable())('the developer console in Chromium', { timeout: 180_000 }, () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let context: BrowserContext;
  const visited: string[] = [];

  beforeAll(async () => {
    [gh, browser] = await Promise.all([startTestGatehouse(), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.close();
  });

  /** Axe at 1280 now, and at 375 later at `address` (a page a form answered is the POST's: give its own address). */
  async function check(page: Page, what: string, address = page.url()) {
    await expectAccessible(page, `${what} at 1280`);
    visited.push(address);
  }
  const appAddress = async (page: Page) => new URL((await page.locator('form[action*="/apps/"]').first().getAttribute('action'))!, gh.url).href;
  const copied = (page: Page, label: string) => page.getByRole('button', { name: `Copy ${label}` }).click().then(() => page.evaluate(() => navigator.clipboard.readText()));

  it('takes a developer from the first run to a working app and its sign-in in the audit log', async () => {
    const first = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const small = await first.newPage();
    await small.goto(`${gh.url}/console`);
    await expectAccessible(small, 'first run at 375');
    await first.close();
    const page = await context.newPage();
    await page.goto(`${gh.url}/console`);
    await page.getByRole('heading', { name: 'Create the first developer account' }).waitFor();
    await check(page, 'first run');
    await page.getByLabel('Email').fill(DEV.email);
    await page.getByLabel('Password').fill(DEV.password);
    await page.getByRole('button', { name: 'Create the account' }).click();
    await page.getByRole('heading', { name: 'Developer account created' }).waitFor();
    await expectAccessible(page, 'first run done');
    await page.getByRole('link', { name: 'Sign in to the console' }).click();
    await page.getByLabel('Email').fill(DEV.email);
    await page.getByLabel('Password').fill(DEV.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Your realms' }).waitFor();
    await check(page, 'realm list');

    // Create a realm with the keyboard only.
    await page.getByRole('link', { name: 'Create a realm' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Create a realm' }).waitFor();
    await check(page, 'new realm');
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.type('browser-shop');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Browser Shop');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Browser Shop' }).waitFor();
    await check(page, 'realm settings');

    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByLabel('Email', { exact: true }).fill(END_USER.email);
    await page.getByLabel('Password (optional)').fill(END_USER.password);
    await page.getByRole('button', { name: 'Create the user' }).click();
    await page.getByText('User created.').waitFor();
    await check(page, 'user');

    await page.getByRole('link', { name: 'Apps', exact: true }).click();
    await check(page, 'apps');
    await page.getByLabel('Name', { exact: true }).fill('Shop site');
    await page.getByRole('radio', { name: 'web' }).check();
    await page.getByLabel('Redirect URIs (one per line)').fill(CALLBACK);
    await page.getByRole('button', { name: 'Create the app' }).click();
    await page.getByRole('heading', { name: 'Shop site' }).waitFor();
    await check(page, 'new app with its secret', await appAddress(page));
    const clientId = await copied(page, 'Client id');
    const clientSecret = await copied(page, 'Client secret');
    expect(clientId).toMatch(/^app_/);
    expect(clientSecret).toMatch(/^ghs_/);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Copied');

    // The copied credentials work in a certified relying party.
    const config = await discover(`${gh.url}/realms/browser-shop`, clientId, clientSecret);
    const { tokens } = await signIn(config, gh.url, { ...END_USER, redirectUri: CALLBACK });
    const subject = tokens.claims()?.sub;
    expect(subject).toBeTruthy();

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel(/^Action/).fill('login.');
    await page.getByRole('button', { name: 'Filter' }).click();
    const event = page.getByText('login.success');
    await event.first().waitFor();
    await event.first().click();
    await expect(page.getByText(`user:${subject}`).first().isVisible()).resolves.toBe(true);
    await expect(page.getByText(clientId).first().isVisible()).resolves.toBe(true);
    await check(page, 'audit log');

    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    await check(page, 'signing keys');
  });

  it('makes an API key that works with curl until it is revoked on the same page', async () => {
    const page = await context.newPage();
    await page.goto(`${gh.url}/console`);
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await check(page, 'API keys');
    await page.getByLabel('Name', { exact: true }).fill('ci');
    await page.getByRole('checkbox', { name: 'realms:read', exact: true }).check();
    await page.getByRole('button', { name: 'Create the key' }).click();
    await page.getByText('Shown this once').waitFor();
    await check(page, 'new API key', `${gh.url}/console/api-keys`);
    const key = await copied(page, 'API key "ci"');
    expect(key).toMatch(/^gh_pk_/);
    const realms = () => curl('-H', `Authorization: Bearer ${key}`, `${gh.url}/api/v1/realms`);
    const listed = await realms();
    expect(listed.status).toBe(200);
    expect((JSON.parse(listed.body) as { data: { name: string }[] }).data.map((r) => r.name)).toContain('browser-shop');

    await page.getByRole('button', { name: 'Revoke ci' }).click();
    await page.getByText('Key revoked: it no longer works.').waitFor();
    await check(page, 'API key revoked');
    expect((await realms()).status).toBe(401);
    await page.close();
  });

  it('rotates a service app\'s secret: both work in the grace period, only the newest after a rotation with grace 0', async () => {
    const page = await context.newPage();
    await page.goto(`${gh.url}/console`);
    await page.getByRole('link', { name: 'Browser Shop' }).click();
    await page.getByRole('link', { name: 'Apps', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Shop worker');
    await page.getByRole('radio', { name: 'service', exact: true }).check();
    await page.getByRole('button', { name: 'Create the app' }).click();
    await page.getByRole('heading', { name: 'Shop worker' }).waitFor();
    const address = await appAddress(page);
    await check(page, 'new service app', address);
    const clientId = await copied(page, 'Client id');
    const first = await copied(page, 'Client secret');
    const token = (secret: string) => curl('-u', `${clientId}:${secret}`, '-d', 'grant_type=client_credentials', `${gh.url}/realms/browser-shop/token`);
    const statuses = async (...secrets: string[]) => Promise.all(secrets.map(async (s) => (await token(s)).status));
    expect(await statuses(first)).toEqual([200]);

    const rotate = async (graceHours: string, notice: string) => {
      await page.getByLabel('Hours the current secret keeps working').fill(graceHours);
      await page.getByRole('button', { name: 'Make a new secret' }).click();
      await page.getByText(notice).waitFor();
      return copied(page, 'Client secret');
    };
    const second = await rotate('2', 'The old one keeps working until');
    await check(page, 'secret rotated with a grace period', address);
    expect(second).toMatch(/^ghs_/);
    expect(second).not.toBe(first);
    expect(await statuses(first, second)).toEqual([200, 200]);

    const third = await rotate('0', 'The old one no longer works.');
    await check(page, 'secret rotated with no grace', address);
    expect(await statuses(first, second, third)).toEqual([401, 401, 200]);
    expect(JSON.parse((await token(third)).body)).toHaveProperty('access_token');
    await page.close();
  });

  it('registers an API and makes a key for the realm alone on the realm\'s pages', async () => {
    const page = await context.newPage();
    await page.goto(`${gh.url}/console/realms/browser-shop`);
    await page.getByRole('link', { name: 'APIs', exact: true }).click();
    await page.getByRole('heading', { name: 'APIs', exact: true }).waitFor();
    await check(page, 'APIs');
    await page.getByLabel('Identifier').fill('https://orders.example.com');
    await page.getByLabel('Name', { exact: true }).fill('Orders');
    await page.getByLabel('Scopes (separated by spaces)').fill('orders:read');
    await page.getByRole('button', { name: 'Register the API' }).click();
    await page.getByText('API https://orders.example.com registered.').waitFor();
    await check(page, 'API registered');

    await page.getByRole('link', { name: 'API keys', exact: true }).last().click();
    await page.getByText('they reach this realm only').waitFor();
    await check(page, 'realm API keys');
    await page.getByLabel('Name', { exact: true }).fill('shop-backend');
    await page.getByRole('checkbox', { name: 'users:read' }).check();
    await page.getByRole('button', { name: 'Create the key' }).click();
    const key = await copied(page, 'API key "shop-backend"');
    expect(key).toMatch(/^gh_rk_/);
    await check(page, 'realm API key created', `${gh.url}/console/realms/browser-shop/api-keys`);
    expect((await curl('-H', `Authorization: Bearer ${key}`, `${gh.url}/api/v1/realms/browser-shop/users`)).status).toBe(200);
    await page.close();
  });

  it('every console page is axe-clean and fits at 375 px', async () => {
    const narrow = await browser.newContext({ viewport: { width: 375, height: 800 }, storageState: await context.storageState() });
    const page = await narrow.newPage();
    // The first entry is the first-run page: it is the realm list by now (checked at 375 before).
    for (const url of new Set(visited)) {
      await page.goto(url);
      await expectAccessible(page, `${new URL(url).pathname} at 375`);
    }
    await narrow.close();
  });
});
