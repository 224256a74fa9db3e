// The hosted pages in Chromium, checked with axe-core (WCAG 2.x A/AA rules, colour contrast
// included) at desktop width and at 375 px: landing, demo, login (also with an error), consent,
// the error page and logout. Also: the realm's display name is shown, fields with an
// error are marked aria-invalid and point at the error text, and Cancel on the demo is a
// friendly message.
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';

const DISPLAY_NAME = 'Demo Bank & Co';
const WIDTHS = [1280, 375];
const PASSWORD = 'a demo password';

describe.runIf(chromiumAvailable())('hosted pages: accessibility in Chromium', { timeout: 240_000 }, () => {
  let gh: TestGatehouse;
  let browser: Browser;

  beforeAll(async () => {
    [gh, browser] = await Promise.all([startTestGatehouse({ DEMO: 'true' }), launchChromium()]);
    const demo = await gh.services.realms.findByName('demo');
    await gh.services.realms.update(demo!, { displayName: DISPLAY_NAME }, { actor: 'test' });
    // One user per run below: a consent given in one run would skip the consent page in the next.
    for (const width of WIDTHS) await gh.services.forRealm(demo!).users.create({ email: `w${width}@example.com`, password: PASSWORD }, { actor: 'test' });
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.close();
  });

  async function expectAccessible(page: Page, what: string) {
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
    expect(violations.map((v) => `${what}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
    // Nothing wider than the viewport (no sideways scrolling at 375 px).
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${what} fits`).toBe(true);
  }

  for (const width of WIDTHS) {
    it(`is axe-clean at ${width} px through landing, demo, login, consent, logout and error`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      const button = (name: string) => page.getByRole('button', { name, exact: true });
      try {
        await page.goto(`${gh.url}/`);
        await expectAccessible(page, 'landing');
        await page.getByRole('link', { name: 'Open the demo' }).click();
        await page.waitForURL(`${gh.url}/demo`);
        await expectAccessible(page, 'demo');

        await button('Sign in with Gatehouse').click();
        await page.waitForURL(/\/realms\/demo\/interaction\//);
        expect(await page.locator('main .realm').textContent()).toBe(DISPLAY_NAME);
        expect(await page.locator('footer').textContent()).toBe(`Gatehouse · ${DISPLAY_NAME}`);
        await expectAccessible(page, 'login');

        await page.getByLabel('Email').fill(`w${width}@example.com`);
        await page.getByLabel('Password').fill('wrong password');
        await button('Sign in').click();
        await page.waitForLoadState();
        const error = page.getByRole('alert');
        expect(await error.textContent()).toBe('Incorrect email or password.');
        const errorId = await error.getAttribute('id');
        for (const label of ['Email', 'Password']) {
          const field = page.getByLabel(label);
          expect(await field.getAttribute('aria-invalid')).toBe('true');
          expect(await field.getAttribute('aria-describedby')).toBe(errorId);
        }
        await expectAccessible(page, 'login with an error');

        await page.getByLabel('Password').fill(PASSWORD);
        await button('Sign in').click();
        await page.waitForURL(/\/realms\/demo\/interaction\//);
        await page.getByRole('button', { name: 'Allow' }).waitFor();
        await expectAccessible(page, 'consent');
        await button('Allow').click();
        await page.waitForURL(/\/demo\/callback\?/);
        await expectAccessible(page, 'demo signed in');

        await button('Sign out').click();
        await page.waitForURL(/\/realms\/demo\/session\/end/);
        await expectAccessible(page, 'logout');
        await button('Yes, sign me out').click();
        await page.waitForURL(`${gh.url}/demo`);

        await page.goto(`${gh.url}/realms/demo/interaction/not-a-sign-in`);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This sign-in has expired');
        await expectAccessible(page, 'error');

        // Keyboard only: Tab reaches the demo's sign-in button and Enter starts the sign-in.
        await page.goto(`${gh.url}/demo`);
        for (let i = 0; i < 10 && !(await button('Sign in with Gatehouse').evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/realms\/demo\/interaction\//);
      } finally {
        await context.close();
      }
    });
  }

  it('Cancel on the demo comes back with a friendly message, not the protocol error text', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${gh.url}/demo`);
      await page.getByRole('button', { name: 'Sign in with Gatehouse', exact: true }).click();
      await page.waitForURL(/\/realms\/demo\/interaction\//);
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.waitForURL(/\/demo\/callback\?/);
      expect(await page.getByRole('status').textContent()).toBe('You cancelled the sign-in, so nothing was shared with the demo app.');
      expect(await page.content()).not.toContain('End-User aborted interaction');
      await expectAccessible(page, 'demo after cancel');
    } finally {
      await context.close();
    }
  });
});
