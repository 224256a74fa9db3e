// Passkeys in Chromium with the DevTools virtual authenticator (ctap2, internal transport,
// resident keys, user verification): the offer after a password sign-in adds one, and the realm's
// MFA being optional, the two-step page then asks for it ("Use a passkey": the second factor);
// usernameless sign-in with the button; realm B refuses realm A's passkey under the same RP ID;
// removal from the account section. Each new page axe-clean at 375 and 1280 px.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { browserApp, leavesToApp as arrivesAtApp, startAppCallback, type AppCallback } from '../support/browser-app.js';
import { expectAccessible } from '../support/axe.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { findFreePort } from '../../src/db/ports.js';
import { startAccountHarness } from '../passkeys/account-harness.js';

const PASSWORD = 'a browser password';
const EMAIL = 'passkey-user@example.com';

describe.runIf(chromiumAvailable())('passkeys in Chromium', { timeout: 240_000 }, () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let app: AppCallback;
  const realms: Record<'a' | 'b', { id: string; name: string; authorize: string }> = {} as never;

  beforeAll(async () => {
    // WebAuthn refuses an IP address as RP ID (a valid domain is required): BASE_URL on localhost.
    const port = await findFreePort();
    [gh, browser, app] = await Promise.all([startTestGatehouse({ PORT: String(port), BASE_URL: `http://localhost:${port}` }), launchChromium(), startAppCallback()]);
    for (const key of ['a', 'b'] as const) {
      const realm = await gh.services.realms.create({ name: `pk-${key}-${Date.now().toString(36)}`, displayName: `Passkeys ${key.toUpperCase()}`, mfa: 'optional' }, null, { actor: 'test' });
      const { authorize } = await browserApp(gh, realm, app.url, 'Passkey app');
      await gh.services.forRealm(realm).users.create({ email: EMAIL, password: PASSWORD }, { actor: 'test' });
      realms[key] = { id: realm.id, name: realm.name, authorize };
    }
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await gh?.close();
  });

  /** A page with a virtual platform authenticator that verifies the user; `credentials` copied in (the same device); without automatic presence it answers no request. */
  async function deviceWith(credentials: unknown[] = [], automaticPresenceSimulation = true) {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation },
    });
    for (const credential of credentials) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: credential as never });
    const stored = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    const add = async (more: unknown[]) => {
      for (const credential of more) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: credential as never });
    };
    return { context, page, cdp, authenticatorId, stored, add };
  }

  /** axe at 375 px and at 1280 px. */
  async function bothWidths(page: Page, what: string) {
    await expectAccessible(page, `${what} at 375 px`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await expectAccessible(page, `${what} at 1280 px`);
    await page.setViewportSize({ width: 375, height: 800 });
  }

  const leavesToApp = (page: Page, act: () => Promise<unknown>) => arrivesAtApp(page, app, act);

  let credentials: unknown[] = [];
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  it('offers a passkey after a password sign-in, adds it, then takes it as the second factor', async () => {
    const { context, page, stored } = await deviceWith();
    contexts.push(context);
    await page.goto(realms.a.authorize);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await bothWidths(page, 'login with passkeys');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.waitForFunction(() => (document.getElementById('passkey-capable') as HTMLInputElement).value === '1');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in faster with a passkey' }).waitFor();
    await bothWidths(page, 'passkey offer');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    // The realm's MFA is optional: a user with a factor is asked for it, so the new passkey is asked for at once.
    await page.getByRole('button', { name: 'Use a passkey' }).waitFor();
    const back = await leavesToApp(page, () => page.getByRole('button', { name: 'Use a passkey' }).click());
    expect(back.searchParams.get('code')).toBeTruthy();
    expect(await gh.prisma.passkeyCredential.count({ where: { realmId: realms.a.id } })).toBe(1);
    expect(await gh.prisma.auditEvent.count({ where: { realmId: realms.a.id, action: 'mfa.success', data: { path: ['method'], equals: 'passkey' } } })).toBe(1);
    credentials = await stored();
    expect(credentials).toHaveLength(1);
  });

  it('signs in with the passkey button, no email typed', async () => {
    // The page's autofill request (conditional mediation) starts on load; the virtual
    // authenticator would answer it by itself, so it holds the passkey without answering
    // (no automatic presence) until that request is pending, then answers the button's request.
    const { context, page, cdp, authenticatorId } = await deviceWith(credentials, false);
    contexts.push(context);
    await page.addInitScript(() => {
      const original = navigator.credentials.get.bind(navigator.credentials);
      navigator.credentials.get = (options?: CredentialRequestOptions) => {
        if (options?.mediation === 'conditional') document.documentElement.dataset.conditionalGet = 'pending';
        return original(options);
      };
    });
    await page.goto(realms.a.authorize);
    await page.waitForFunction(() => document.documentElement.dataset.conditionalGet === 'pending');
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    expect(page.url()).toContain('/interaction/');
    const back = await leavesToApp(page, () => page.getByRole('button', { name: 'Sign in with a passkey' }).click());
    expect(back.searchParams.get('code')).toBeTruthy();
    expect(await gh.prisma.auditEvent.count({ where: { realmId: realms.a.id, action: 'login.success', data: { path: ['method'], equals: 'passkey' } } })).toBe(1);
  });

  it("realm B refuses realm A's passkey, saying so on the page", async () => {
    const { context, page, add } = await deviceWith();
    contexts.push(context);
    await page.goto(realms.b.authorize);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await add(credentials);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.locator('#passkey-error').textContent()).toBe('This passkey is not registered for this sign-in. Use another sign-in method.');
    await bothWidths(page, 'login with a passkey error');
    expect(page.url()).toContain(`/realms/${realms.b.name}/interaction/`);
  });

  it('removes the passkey from the account section; it no longer signs in', async () => {
    const harness = await startAccountHarness(gh);
    try {
      const user = await gh.services.forRealm({ id: realms.a.id, name: realms.a.name, displayName: '', ownerId: null, settings: {} }).scope.users.findByEmailWithPassword(EMAIL);
      harness.session.userId = user!.id;
      const { context, page, add } = await deviceWith();
      contexts.push(context);
      await page.goto(`${harness.url}/realms/${realms.a.name}/account`);
      await page.getByRole('button', { name: /^Remove / }).click();
      await page.waitForURL(/notice=Passkey%20removed/);
      expect(await gh.prisma.passkeyCredential.count({ where: { realmId: realms.a.id } })).toBe(0);
      await page.goto(realms.a.authorize);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
      await add(credentials);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await expect.poll(() => page.locator('#passkey-error').textContent()).toContain('not registered');
    } finally {
      await harness.close();
    }
  });
});
