// "Remember this browser" and the TOTP re-offer in Chromium, axe-clean at 1280 and 375 px: the
// box is ticked with the keyboard, the cookie is HttpOnly and SameSite=Lax on the realm's path,
// and a later sign-in on that browser (its session gone) reaches the app after the password.
// Then a user left with recovery codes only sees the re-offer page with "Not now".
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { browserApp, leavesToApp, startAppCallback, type AppCallback } from '../support/browser-app.js';
import { expectAccessible } from '../support/axe.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { totpAt } from '../mfa/mfa-support.js';
import { confirmWithPreviousStep } from '../support/totp.js';
import type { Realm } from '../../src/generated/prisma/client.js';
import { buildUser } from '../support/builders.js';

const PASSWORD = 'a browser password';

describe.runIf(chromiumAvailable())('remember this browser in Chromium', { timeout: 120_000 }, () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let app: AppCallback;
  let authorize: string;
  let realm: Realm;
  /** Optional policy ("Not now" is offered there). */
  let optional: { realm: Realm; authorize: string };

  async function realmWithApp(mfa: 'optional' | 'required') {
    const created = await gh.services.realms.create({ name: `mfa-remember-${mfa}-${Date.now().toString(36)}`, mfa, mfaRememberDays: 14 }, null, { actor: 'test' });
    return { realm: created, authorize: (await browserApp(gh, created, app.url, 'Remember app')).authorize };
  }

  beforeAll(async () => {
    [gh, browser, app] = await Promise.all([startTestGatehouse(), launchChromium(), startAppCallback()]);
    ({ realm, authorize } = await realmWithApp('required'));
    optional = await realmWithApp('optional');
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await gh?.close();
  });

  /** A user with TOTP confirmed one step ago (and recovery codes). */
  async function enrolledUser(email: string, where = realm) {
    const { scope } = gh.services.forRealm(where);
    const user = await buildUser(gh, where, { email, password: PASSWORD });
    const { totp, recoveryCodes } = gh.services.mfaMethods;
    const pending = await totp.begin(scope, user);
    expect(await confirmWithPreviousStep(pending!.secret, (code) => totp.check(scope, user.id, code, 'confirm'))).toBe(true);
    return { ...user, secret: pending!.secret, codes: await recoveryCodes.generate(scope, user.id) };
  }

  async function signInWithPassword(page: Page, email: string, url = authorize) {
    await page.goto(url);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** The browser after its session ended: only the remember cookie kept. */
  async function keepOnlyRemember(context: BrowserContext) {
    const kept = (await context.cookies()).filter((c) => c.name === 'gh_mfa_remember');
    await context.clearCookies();
    await context.addCookies(kept);
    return kept;
  }

  for (const width of [1280, 375]) {
    it(`remembers this browser when the box is ticked (keyboard), at ${width} px`, async () => {
      const user = await enrolledUser(`r${width}@example.com`);
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      try {
        await signInWithPassword(page, user.email);
        const box = page.getByRole('checkbox', { name: 'Remember this browser for 14 days' }).first();
        await box.waitFor();
        await expectAccessible(page, 'code with remember box');
        await page.getByLabel('Code from your authenticator app').fill(totpAt(user.secret));
        await box.focus();
        await page.keyboard.press('Space');
        expect(await box.isChecked()).toBe(true);
        const left = await leavesToApp(page, app, () => page.getByLabel('Code from your authenticator app').press('Enter'));
        expect(left.searchParams.get('code')).toBeTruthy();

        const [cookie] = await keepOnlyRemember(context);
        expect(cookie).toMatchObject({ path: `/realms/${realm.name}`, httpOnly: true, sameSite: 'Lax' });
        const again = await leavesToApp(page, app, () => signInWithPassword(page, user.email));
        expect(again.searchParams.get('code')).toBeTruthy();
      } finally {
        await context.close();
      }
    });

    it(`offers TOTP again after a recovery code, with "Not now", at ${width} px`, async () => {
      const user = await enrolledUser(`o${width}@example.com`, optional.realm);
      await gh.services.forRealm(optional.realm).mfa.remove(user.id, 'totp', { actor: 'test' });
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      try {
        await signInWithPassword(page, user.email, optional.authorize);
        await page.getByLabel('Recovery code').fill(user.codes[0]!);
        await page.getByRole('button', { name: 'Use recovery code' }).click();
        await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
        expect(await page.getByText('You signed in with a recovery code').isVisible()).toBe(true);
        await expectAccessible(page, 're-offer');
        const left = await leavesToApp(page, app, () => page.getByRole('button', { name: 'Not now' }).click());
        expect(left.searchParams.get('code')).toBeTruthy();
      } finally {
        await context.close();
      }
    });
  }
});
