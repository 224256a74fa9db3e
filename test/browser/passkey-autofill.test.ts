// Passkey autofill (conditional mediation, WebAuthn §5.1.4.1) on the hosted login page, in
// Chromium with the DevTools virtual authenticator. What headless Chromium does (measured,
// Chromium 156): it shows no autofill list, so focusing or clicking the email field, or
// ArrowDown + Enter, never completes a conditional request; with automaticPresenceSimulation
// the virtual authenticator stands in for the person picking the passkey and answers the
// page's conditional request by itself as soon as it starts (WebAuthn.credentialAsserted).
// So "the user picks the passkey from autofill" is that automatic answer: no click, no email
// typed, and the only WebAuthn call the page made is the conditional one.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { browserApp, leavesToApp, startAppCallback, type AppCallback } from '../support/browser-app.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { findFreePort } from '../../src/db/ports.js';

const PASSWORD = 'an autofill password';
const EMAIL = 'autofill-user@example.com';

/** What the page asked navigator.credentials.get for: reported to the test before each call. */
interface GetCall {
  mediation?: string;
  userVerification?: string;
  allowCredentials: number;
}

describe.runIf(chromiumAvailable())('passkey autofill in Chromium', { timeout: 240_000 }, () => {
  let gh: TestGatehouse;
  let browser: Browser;
  let app: AppCallback;
  let realm: { id: string; authorize: string };
  let credentials: unknown[] = [];

  /** A device with a virtual platform authenticator holding `credentials`; records the page's WebAuthn get calls. */
  async function deviceWith(stored: unknown[], automaticPresenceSimulation = true) {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation },
    });
    for (const credential of stored) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: credential as never });
    const asserted: string[] = [];
    cdp.on('WebAuthn.credentialAsserted', (e) => asserted.push(e.credential.credentialId));
    const gets: GetCall[] = [];
    // A binding, not page state: the record survives the navigation to the app.
    await page.exposeFunction('__reportGet', (call: GetCall) => void gets.push(call));
    await page.addInitScript(() => {
      const original = navigator.credentials.get.bind(navigator.credentials);
      navigator.credentials.get = (options?: CredentialRequestOptions) => {
        const pk = options?.publicKey;
        (window as unknown as { __reportGet(c: unknown): void }).__reportGet({ mediation: options?.mediation, userVerification: pk?.userVerification, allowCredentials: pk?.allowCredentials?.length ?? 0 });
        return original(options);
      };
    });
    const fromDevice = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    return { context, page, gets, asserted, fromDevice };
  }

  beforeAll(async () => {
    // WebAuthn refuses an IP address as RP ID: BASE_URL on localhost.
    const port = await findFreePort();
    [gh, browser, app] = await Promise.all([startTestGatehouse({ PORT: String(port), BASE_URL: `http://localhost:${port}` }), launchChromium(), startAppCallback()]);
    const created = await gh.services.realms.create({ name: `pkaf-${Date.now().toString(36)}`, displayName: 'Autofill', mfa: 'optional' }, null, { actor: 'test' });
    const { authorize } = await browserApp(gh, created, app.url, 'Autofill app');
    await gh.services.forRealm(created).users.create({ email: EMAIL, password: PASSWORD }, { actor: 'test' });
    realm = { id: created.id, authorize };

    // The passkey is registered the way a user adds one: the offer after a password sign-in
    // (with no passkey on the device yet, the page's autofill request has nothing to answer).
    const { context, page, fromDevice } = await deviceWith([]);
    await page.goto(authorize);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.waitForFunction(() => (document.getElementById('passkey-capable') as HTMLInputElement).value === '1');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await leavesToApp(page, app, () => page.getByRole('button', { name: 'Use a passkey' }).click());
    credentials = await fromDevice();
    await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await gh?.close();
  });

  const passkeyLogins = () => gh.prisma.auditEvent.count({ where: { realmId: realm.id, action: 'login.success', data: { path: ['method'], equals: 'passkey' } } });

  it('signs in from autofill: the page starts a conditional request, the passkey on the device answers it, the app gets a code', async () => {
    expect(credentials).toHaveLength(1);
    const before = await passkeyLogins();
    const { context, page, gets, asserted } = await deviceWith(credentials);
    try {
      // Only the page load: no button pressed, no email typed.
      const back = await leavesToApp(page, app, () => page.goto(realm.authorize));
      expect(back.searchParams.get('code')).toBeTruthy();
      expect(back.searchParams.get('error')).toBeNull();
      expect(gets).toEqual([{ mediation: 'conditional', userVerification: 'required', allowCredentials: 0 }]);
      expect(asserted).toEqual([(credentials[0] as { credentialId: string }).credentialId]);
      expect(await passkeyLogins()).toBe(before + 1);
    } finally {
      await context.close();
    }
  });

  it('offers the passkey in the email field: autocomplete="username webauthn", the request waits there until a passkey is picked', async () => {
    // Without automatic presence the virtual authenticator does not answer, as a person who has
    // not yet picked from the list: the page stays on the login form, its request pending.
    const before = await passkeyLogins();
    const { context, page, gets, asserted } = await deviceWith(credentials, false);
    try {
      await page.goto(realm.authorize);
      await expect.poll(() => gets).toEqual([{ mediation: 'conditional', userVerification: 'required', allowCredentials: 0 }]);
      const email = page.getByLabel('Email');
      expect(await email.getAttribute('autocomplete')).toBe('username webauthn');
      await email.click();
      expect(await page.locator('#passkey-error').isHidden()).toBe(true);
      expect(page.url()).toContain('/interaction/');
      expect(asserted).toEqual([]);
      expect(await passkeyLogins()).toBe(before);
    } finally {
      await context.close();
    }
  });
});
