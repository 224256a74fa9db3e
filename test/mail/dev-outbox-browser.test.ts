// The development outbox as a newcomer uses it, in Chromium: open /dev/mail, open the mail, see
// its HTML body rendered in the sandboxed frame, click the link in its text; no CSP violation.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRealm, unique } from '../support/builders.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';
import { enqueueMail, sampleLink, waitForStatus } from './support.js';

describe.runIf(chromiumAvailable())('/dev/mail in Chromium', () => {
  let gh: TestGatehouse;
  let browser: Browser;
  beforeAll(async () => {
    [gh, browser] = await Promise.all([startTestGatehouse({ MAIL_WORKER_INTERVAL_MS: '100' }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await gh?.close();
  });

  it('shows the mail with its HTML body in the frame and follows the link in its text', async () => {
    const realm = await buildRealm(gh);
    const link = sampleLink(gh, realm.name, 'email/verify');
    const id = await enqueueMail(gh, realm, { to: `${unique('ada')}@example.com`, template: 'verify-email', data: { name: 'Ada', link, code: '314159' } });
    await waitForStatus(gh, id, 'sent');

    const page = await browser.newPage();
    const reported: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && reported.push(m.text())));
    await page.goto(`${gh.url}/dev/mail`);
    expect(await page.title()).toBe('Development outbox');
    await page.getByRole('link', { name: `Verify your email address for ${realm.displayName}` }).click();
    await page.waitForURL(`${gh.url}/dev/mail/${id}`);

    const frame = page.frameLocator('iframe[title="HTML body of the mail"]');
    await expect.poll(() => frame.getByRole('heading', { name: 'Verify your email address' }).count()).toBe(1);
    expect(await frame.getByText('314159').count()).toBe(1);
    expect(await frame.getByRole('link', { name: 'Verify email address' }).getAttribute('href')).toBe(link);

    expect(reported).toEqual([]);
    // The landing page is the pages' part of issue 8; here the browser only has to get there.
    await page.getByRole('link', { name: link }).click();
    await page.waitForURL(link);
    await page.close();
  });
});
