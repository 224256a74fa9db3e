// The developer console in Chromium, as a developer meets it: first-run account → sign in through
// the admin realm → create a realm (keyboard only) → create a web app → copy its credentials with
// the copy buttons → run the code flow with them (openid-client) → see that sign-in in the
// console's audit log. Every console page is axe-clean and fits at 1280 and 375 px.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { discover, signIn } from '../support/relying-party.js';

const DEV = { email: 'dev@example.com', password: 'developer password' };
const END_USER = { email: 'end.user@example.com', password: 'end user password' };
const CALLBACK = 'http://localhost:8080/cb';

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

  async function check(page: Page, what: string) {
    await expectAccessible(page, `${what} at 1280`);
    visited.push(page.url());
  }
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
    await check(page, 'new app with its secret');
    // The page the form answered is the POST's: remember the app's own address for the 375 px pass.
    visited.push(new URL((await page.locator('form[action*="/apps/"]').first().getAttribute('action'))!, gh.url).href);
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

  it('every console page is axe-clean and fits at 375 px', async () => {
    const narrow = await browser.newContext({ viewport: { width: 375, height: 800 }, storageState: await context.storageState() });
    const page = await narrow.newPage();
    // The first entry is the first-run page: it is the realm list by now (checked at 375 before).
    for (const url of visited) {
      await page.goto(url);
      await expectAccessible(page, `${new URL(url).pathname} at 375`);
    }
    await narrow.close();
  });
});
