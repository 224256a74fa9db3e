// The two-step verification pages in Chromium, axe-clean (WCAG 2.x A/AA) at 1280 and 375 px:
// enrollment during a required sign-in (QR code, key, code with an error), the recovery codes
// page, then a later sign-in's code page with the recovery-code form; the flow reaches
// the app. TOTP codes from test/support/totp.ts (oathtool).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { browserApp, leavesToApp as arrivesAtApp, startAppCallback, type AppCallback } from '../support/browser-app.js';
import { expectAccessible } from '../support/axe.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { totpAt } from '../mfa/mfa-support.js';
import { awayFromStepEnd } from '../support/totp.js';

const PASSWORD = 'a browser password';

describe.runIf(chromiumAvailable())('two-step verification pages in Chromium', { timeout: 120_000 }, () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let app: AppCallback;
  let authorize: string;
  let realmId: string;

  beforeAll(async () => {
    [gh, browser, app] = await Promise.all([startTestGatehouse(), launchChromium(), startAppCallback()]);
    const realm = await gh.services.realms.create({ name: `mfa-a11y-${Date.now().toString(36)}`, displayName: 'Two Step & Co', mfa: 'required' }, null, { actor: 'test' });
    realmId = realm.id;
    ({ authorize } = await browserApp(gh, realm, app.url, 'A11y app'));
    for (const width of [1280, 375]) await gh.services.forRealm(realm).users.create({ email: `w${width}@example.com`, password: PASSWORD }, { actor: 'test' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await gh?.close();
  });


  async function signInWithPassword(page: Page, email: string) {
    await page.goto(authorize);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** Clicks `name` and waits until the page is at the app. */
  const leavesToApp = (page: Page, name: string) => arrivesAtApp(page, app, () => page.getByRole('button', { name, exact: true }).click());

  for (const width of [1280, 375]) {
    it(`enrolls, shows recovery codes, then asks for a code at ${width} px`, async () => {
      const email = `w${width}@example.com`;
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      try {
        await signInWithPassword(page, email);
        await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
        expect(await page.getByRole('img', { name: /QR code/ }).isVisible()).toBe(true);
        await expectAccessible(page, 'enroll');
        const secret = (await page.locator('#totp-secret').textContent())!;
        await page.getByLabel('Code').fill('000000');
        await page.getByRole('button', { name: 'Turn on' }).click();
        await page.getByRole('alert').waitFor();
        await expectAccessible(page, 'enroll with an error');
        await awayFromStepEnd();
        await page.getByLabel('Code').fill(totpAt(secret, -30));
        await page.getByRole('button', { name: 'Turn on' }).click();
        await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
        expect(await page.locator('#recovery-codes li').count()).toBe(10);
        await expectAccessible(page, 'recovery codes');
        const back = await leavesToApp(page, 'I saved them, continue');
        expect(back.searchParams.get('code')).toBeTruthy();

        const later = await context.browser()!.newContext({ viewport: { width, height: 800 } });
        const again = await later.newPage();
        try {
          await signInWithPassword(again, email);
          await again.getByLabel('Code from your authenticator app').waitFor();
          await expectAccessible(again, 'code');
          expect(await again.getByLabel('Recovery code').isVisible()).toBe(true);
          await again.getByLabel('Code from your authenticator app').fill(totpAt(secret));
          const done = await leavesToApp(again, 'Verify');
          expect(done.searchParams.get('code')).toBeTruthy();
        } finally {
          await later.close();
        }
        expect(await gh.prisma.totpCredential.count({ where: { realmId, confirmedAt: { not: null } } })).toBeGreaterThan(0);
      } finally {
        await context.close();
      }
    });
  }
});
