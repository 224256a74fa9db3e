// The account pages in a real browser (Chromium, JavaScript off) on the demo realm, with mail
// delivered to a real SMTP server and its links followed: sign up → verify → sign in; forgot
// password → reset → the old session and refresh token are gone; magic link → confirm → signed in.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, unique } from '../support/builders.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp.js';
import { discover, oidc, signIn } from '../support/relying-party.js';

describe.runIf(chromiumAvailable())('account pages in Chromium', { timeout: 120_000 }, () => {
  let gh: TestGatehouse;
  let smtp: SmtpCapture;
  let browser: Browser;
  /** What the browser reported as errors (CSP violations), besides the 4xx status of a page showing a form error. */
  const reported: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    [gh, browser] = await Promise.all([startTestGatehouse({ DEMO: 'true', SMTP_URL: smtp.url, MAIL_WORKER_INTERVAL_MS: '100' }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.close();
    await smtp?.stop();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/responded with a status of 4\d\d/.test(message.text())) reported.push(`${message.text()} (${message.location().url})`);
    });
    return { context, page };
  }
  const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
  const startDemoSignIn = async (page: Page) => {
    await page.goto(`${gh.url}/demo`);
    await button(page, 'Sign in with Gatehouse').click();
    await page.waitForURL(/\/realms\/demo\/interaction\//);
  };
  const demoUserinfo = async (page: Page) => {
    await page.waitForURL(/\/demo\/callback\?/);
    return JSON.parse((await page.locator('#userinfo').textContent()) ?? '{}');
  };

  it('signs up, verifies the email from the mailed link, and signs in', async () => {
    const { context, page } = await newPage();
    const email = `${unique('ada')}@example.com`;
    try {
      await startDemoSignIn(page);
      await page.getByRole('link', { name: 'Create an account' }).click();
      expect(await page.title()).toBe('Create an account');
      await page.getByLabel('Name').fill('Ada Lovelace');
      await page.getByLabel('Email').fill(email);
      // Long enough for the browser's own minlength check, but one of the most common passwords.
      await page.getByLabel('Password').fill('password');
      await button(page, 'Create account').click();
      // The policy message sits at the field, which says it is invalid.
      expect(await page.locator('#password-error').textContent()).toContain('one of the most common');
      expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
      await page.getByLabel('Password').fill('analytical engine 1843');
      await button(page, 'Create account').click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your mail');
      const backToSignIn = new URL((await page.getByRole('link', { name: 'Back to sign in' }).getAttribute('href'))!, page.url()).href;

      const mail = await smtp.waitFor(email);
      const link = mail.links.find((l) => l.includes('/email/verify?token='))!;
      await page.goto(link);
      await button(page, 'Verify my email').click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Email verified');

      await page.goto(backToSignIn);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('analytical engine 1843');
      await button(page, 'Sign in').click();
      await button(page, 'Allow').click();
      expect(await demoUserinfo(page)).toMatchObject({ email, email_verified: true, name: 'Ada Lovelace' });
    } finally {
      await context.close();
    }
  });

  it('resets a forgotten password from the mailed link; the old session and refresh token stop working', async () => {
    const demo = (await gh.services.realms.findByName('demo'))!;
    const user = await gh.services.forRealm(demo).users.create({ email: `${unique('grace')}@example.com`, password: 'the old password', emailVerified: true }, { actor: 'test' });
    const { app, clientSecret } = await buildApp(gh, demo);
    const config = await discover(`${gh.url}/realms/demo`, app.clientId, clientSecret);
    const old = await signIn(config, gh.url, { email: user.email, password: 'the old password', redirectUri: 'http://localhost:8080/cb', scope: 'openid email offline_access', prompt: 'consent' });

    const { context, page } = await newPage();
    try {
      await startDemoSignIn(page);
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await page.getByLabel('Email').fill(user.email);
      await button(page, 'Send reset link').click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your mail');

      const link = (await smtp.waitFor(user.email)).links.find((l) => l.includes('/password/reset?token='))!;
      await page.goto(link);
      await page.getByLabel('New password', { exact: true }).fill('a new password 2026');
      await page.getByLabel('Repeat the new password').fill('a new password 2026');
      await button(page, 'Change password').click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Password changed');
      await smtp.waitFor(user.email, (m) => /changed/i.test(m.subject));

      await expect(oidc.refreshTokenGrant(config, old.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      await startDemoSignIn(page);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill('a new password 2026');
      await button(page, 'Sign in').click();
      await button(page, 'Allow').click();
      expect((await demoUserinfo(page)).email).toBe(user.email);
    } finally {
      await context.close();
    }
  });

  it('signs in with a magic link after the confirm button', async () => {
    const demo = (await gh.services.realms.findByName('demo'))!;
    const user = await gh.services.forRealm(demo).users.create({ email: `${unique('linus')}@example.com`, emailVerified: false }, { actor: 'test' });
    const { context, page } = await newPage();
    try {
      await startDemoSignIn(page);
      await page.getByRole('link', { name: 'Email me a sign-in link' }).click();
      await page.getByLabel('Email').fill(user.email);
      await button(page, 'Send sign-in link').click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your mail');

      const link = (await smtp.waitFor(user.email)).links.find((l) => l.includes('/magic-link?token='))!;
      await page.goto(link);
      await button(page, 'Sign in').click();
      await button(page, 'Allow').click();
      expect(await demoUserinfo(page)).toMatchObject({ email: user.email, email_verified: true });
    } finally {
      await context.close();
    }
    expect(reported).toEqual([]);
  });
});
