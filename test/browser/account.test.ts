// The account page in Chromium, axe-clean (WCAG 2.2 AA) and no wider than the viewport at 1280
// and 375 px: the overview with every section, a form answered with an error, the authenticator
// setup page and the recovery codes shown once; the name saved with the keyboard only
// (Tab to the field, type, Tab to its button, Enter). TOTP codes from test/support/totp.ts (oathtool).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { expectAccessible } from '../support/axe.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { totpAt } from '../mfa/mfa-support.js';

const PASSWORD = 'an account password';

describe.runIf(chromiumAvailable())('the account page in Chromium', { timeout: 180_000 }, () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let realmName: string;

  beforeAll(async () => {
    [gh, browser] = await Promise.all([startTestGatehouse(), launchChromium()]);
    const realm = await gh.services.realms.create({ name: `acct-a11y-${Date.now().toString(36)}`, displayName: 'Account & Co', mfa: 'off' }, null, { actor: 'test' });
    realmName = realm.name;
    for (const width of [1280, 375]) await gh.services.forRealm(realm).users.create({ email: `w${width}@example.com`, password: PASSWORD }, { actor: 'test' });
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.close();
  });

  /** Presses Tab until the element with `id` has focus (at most 60 times). */
  async function tabTo(page: Page, id: string) {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((want) => document.activeElement?.id === want || document.activeElement?.getAttribute('data-testid') === want, id)) return;
    }
    throw new Error(`Tab never reached #${id}`);
  }

  for (const width of [1280, 375]) {
    it(`signs in, edits by keyboard and sets up an authenticator app at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      try {
        await page.goto(`${gh.url}/realms/${realmName}/account`);
        await page.getByLabel('Email').fill(`w${width}@example.com`);
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.getByRole('heading', { name: 'Your account' }).waitFor();
        for (const title of ['Profile', 'Password', 'Authenticator app', 'Recovery codes', 'Active sessions', 'Connected apps', 'Recent security activity']) {
          expect(await page.getByRole('heading', { name: title, exact: true }).isVisible(), title).toBe(true);
        }
        expect(await page.getByText('Account & Co').first().isVisible()).toBe(true);
        await expectAccessible(page, 'overview');

        await tabTo(page, 'profile-name');
        await page.keyboard.type('Grace Hopper');
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save name');
        await page.keyboard.press('Enter');
        await page.getByRole('status').filter({ hasText: 'Your name was saved.' }).waitFor();
        expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Grace Hopper');

        await page.getByLabel('Current password').fill('not my password');
        await page.getByLabel('New password', { exact: true }).fill('a newer password');
        await page.getByLabel('New password again').fill('a newer password');
        await page.getByRole('button', { name: 'Change password' }).click();
        await page.getByRole('alert').waitFor();
        await expectAccessible(page, 'password error');

        await page.goto(`${gh.url}/realms/${realmName}/account/totp/enroll`);
        await page.getByRole('heading', { name: 'Set up an authenticator app' }).waitFor();
        await expectAccessible(page, 'enroll');
        const secret = (await page.locator('#totp-secret').textContent())!;
        await page.getByLabel('Code').fill(totpAt(secret));
        await page.getByRole('button', { name: 'Turn on' }).click();
        await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
        expect(await page.locator('#recovery-codes li').count()).toBe(10);
        await expectAccessible(page, 'recovery codes');
        await page.getByRole('link', { name: /back to my account/ }).click();
        await page.getByText('10 of 10 recovery codes left.').waitFor();
        await expectAccessible(page, 'overview with a factor, a session and activity');
      } finally {
        await context.close();
      }
    });
  }
});
