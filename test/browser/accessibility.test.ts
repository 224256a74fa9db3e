// The hosted pages in Chromium, checked with axe-core (WCAG 2.x A/AA rules, colour contrast
// included) at desktop width and at 375 px: landing, demo, login (also with an error), consent,
// the error page and logout; at 375 px the account pages (sign-up, forgot password, sign-in link,
// reset / set password, email verification and the verify-email step). Also: the realm's display name is shown, fields with an
// error are marked aria-invalid and point at the error text, and Cancel on the demo is a
// friendly message.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { expectAccessible } from '../support/axe.js';
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

  // At 375 px only: the rules axe checks (labels, names, contrast, ARIA) do not change with the
  // width, the layout does, and the narrow one is where it breaks; this keeps the file quick.
  it('is axe-clean at 375 px on the account pages: sign-up, forgot password, sign-in link, check your mail, reset, set, verify and the verify-email step', async () => {
    const demo = (await gh.services.realms.findByName('demo'))!;
    const inDemo = gh.services.forRealm(demo);
    const strict = await gh.services.realms.create({ name: 'strict-a11y', requireVerifiedEmail: true }, null, { actor: 'test' });
    const strictApp = await gh.services.forRealm(strict).apps.create({ name: 'A11y app', type: 'web', redirectUris: ['http://localhost:8080/cb'] }, { actor: 'test' });
    for (const width of [375]) {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      const button = (name: string) => page.getByRole('button', { name, exact: true });
      const user = await inDemo.users.create({ email: `a11y-${width}@example.com`, password: PASSWORD }, { actor: 'test' });
      const tokenOf = (kind: 'password_reset' | 'set_password' | 'email_verification' | 'magic_link', data = {}) =>
        inDemo.scope.inTransaction(async (tx) => (await gh.services.userTokens.issue(tx, user.id, kind, data)).token);
      try {
        await page.goto(`${gh.url}/demo`);
        await button('Sign in with Gatehouse').click();
        await page.waitForURL(/\/realms\/demo\/interaction\//);
        const login = page.url();
        await page.getByRole('link', { name: 'Create an account' }).click();
        await expectAccessible(page, 'sign-up');
        await page.getByLabel('Email').fill(`new-${width}@example.com`);
        await page.getByLabel('Password').fill('password');
        await button('Create account').click();
        await page.locator('#password-error').waitFor();
        await expectAccessible(page, 'sign-up with an error');
        await page.getByLabel('Password').fill('a fine new password');
        await button('Create account').click();
        await expectAccessible(page, 'check your mail');

        await page.goto(login);
        await page.getByRole('link', { name: 'Forgot password?' }).click();
        await expectAccessible(page, 'forgot password');
        await page.goto(login);
        await page.getByRole('link', { name: 'Email me a sign-in link' }).click();
        await expectAccessible(page, 'sign-in link');

        await page.goto(`${gh.url}/realms/demo/password/reset?token=${await tokenOf('password_reset')}`);
        await expectAccessible(page, 'reset password');
        await page.getByLabel('New password', { exact: true }).fill('one new password');
        await page.getByLabel('Repeat the new password').fill('another new password');
        await button('Change password').click();
        await page.locator('#confirm-error').waitFor();
        await expectAccessible(page, 'reset password with an error');
        await page.goto(`${gh.url}/realms/demo/password/set?token=${await tokenOf('set_password')}`);
        await expectAccessible(page, 'set password');
        await page.goto(`${gh.url}/realms/demo/email/verify?token=${await tokenOf('email_verification', { email: user.email })}`);
        await expectAccessible(page, 'verify email');
        await page.goto(`${gh.url}/realms/demo/magic-link?token=${await tokenOf('magic_link', { target: { kind: 'app', clientId: 'x', redirectUri: 'http://localhost:8080/cb' } })}`);
        await expectAccessible(page, 'magic link');
        await page.goto(`${gh.url}/realms/demo/magic-link?token=used-or-unknown`);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link is no longer valid');
        await expectAccessible(page, 'invalid link');

        // requireVerifiedEmail: the "enter the code" step of a sign-in.
        const unverified = await gh.services.forRealm(strict).users.create({ email: `u-${width}@example.com`, password: PASSWORD }, { actor: 'test' });
        const authorize = new URL(`${gh.url}/realms/strict-a11y/authorize`);
        for (const [k, v] of Object.entries({ client_id: strictApp.app.clientId, response_type: 'code', scope: 'openid', redirect_uri: 'http://localhost:8080/cb', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })) authorize.searchParams.set(k, v);
        await page.goto(authorize.href);
        await page.getByLabel('Email').fill(unverified.email);
        await page.getByLabel('Password').fill(PASSWORD);
        await button('Sign in').click();
        await page.getByLabel('Code').waitFor();
        await expectAccessible(page, 'verify-email step');
        await page.getByLabel('Code').fill('000000');
        await button('Verify').click();
        await page.getByRole('alert').waitFor();
        await expectAccessible(page, 'verify-email step with an error');
      } finally {
        await context.close();
      }
    }
  });

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
