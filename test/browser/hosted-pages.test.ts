// The hosted pages in a real browser (Chromium) with JavaScript turned off, as a newcomer meets
// them at /demo: sign in, consent, the claims, and sign-out through the logout confirmation page
// (whose buttons sit outside its form), with no Content-Security-Policy violation on the way.
// Cookies stay on their realm's path: the same browser is a stranger to another realm.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildRealm } from '../support/builders.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';

describe.runIf(chromiumAvailable())('hosted pages in Chromium without JavaScript', () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** What the browser reported as errors: CSP violations, failed loads. */
  const reported: string[] = [];

  beforeAll(async () => {
    [gh, browser] = await Promise.all([startTestGatehouse({ DEMO: 'true' }), launchChromium()]);
    context = await browser.newContext({ javaScriptEnabled: false });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') reported.push(`${message.text()} (${message.location().url})`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.close();
  });

  const button = (name: string) => page.getByRole('button', { name, exact: true });

  it('signs in at /demo through the login and consent pages, shows the claims, and signs out', async () => {
    await page.goto(`${gh.url}/demo`);
    await button('Sign in with Gatehouse').click();
    await page.waitForURL(/\/realms\/demo\/interaction\//);
    expect(await page.title()).toBe('Sign in');
    await page.getByLabel('Email').fill('demo@example.com');
    await page.getByLabel('Password').fill('demo-password');
    await button('Sign in').click();

    await page.waitForURL(/\/realms\/demo\/interaction\//);
    expect(await page.title()).toBe('Allow access');
    expect(await page.getByRole('listitem').allTextContents()).toEqual(['Sign you in', 'See your name', 'See your email address']);
    await button('Allow').click();

    await page.waitForURL(/\/demo\/callback\?/);
    const claims = JSON.parse((await page.locator('#claims').textContent()) ?? '{}');
    expect(claims).toMatchObject({ iss: `${gh.url}/realms/demo`, sub: expect.any(String) });
    expect(JSON.parse((await page.locator('#userinfo').textContent()) ?? '{}')).toMatchObject({ sub: claims.sub, email: 'demo@example.com', name: 'Demo User' });

    await button('Sign out').click();
    await page.waitForURL(/\/realms\/demo\/session\/end/);
    expect(await page.title()).toBe('Sign out');
    await button('Yes, sign me out').click();
    await page.waitForURL(`${gh.url}/demo`);

    // Signed out of the realm: signing in again asks for the password.
    await button('Sign in with Gatehouse').click();
    await page.waitForURL(/\/realms\/demo\/interaction\//);
    expect(await page.title()).toBe('Sign in');
    expect(reported).toEqual([]);
  });

  it('keeps every cookie on its own path, so a signed-in browser is a stranger to another realm', async () => {
    await page.getByLabel('Email').fill('demo@example.com');
    await page.getByLabel('Password').fill('demo-password');
    await button('Sign in').click();
    await page.waitForURL(/\/demo\/callback\?/);
    const paths = (await context.cookies()).map((c) => c.path);
    expect(paths.length).toBeGreaterThan(0);
    // The realm's path, or one of its sign-ins' (interaction cookies are scoped to their interaction).
    for (const path of paths) expect(path).toMatch(/^\/(realms\/demo(\/interaction\/[\w-]+)?|demo)$/);

    const other = await buildRealm(gh);
    const { app } = await buildApp(gh, other);
    const authorize = new URL(`${gh.url}/realms/${other.name}/authorize`);
    authorize.search = new URLSearchParams({
      client_id: app.clientId, redirect_uri: 'http://localhost:8080/cb', response_type: 'code', scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    }).toString();
    await page.goto(authorize.href);
    await page.waitForURL(new RegExp(`/realms/${other.name}/interaction/`));
    expect(await page.title()).toBe('Sign in');
    expect(await page.getByLabel('Email').inputValue()).toBe('');
    expect(reported).toEqual([]);
  });
});
