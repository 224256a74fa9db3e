// The API reference page (/api/v1/docs) in Chromium: openapi-explorer's browser build, served by
// Gatehouse itself, draws the OpenAPI document under a CSP with script from 'self' only (no
// inline script, no eval). Nothing is fetched from another origin, nothing fails or errors in the
// console; an operation's documented problem codes are shown; axe-clean at 1280 and 375 px.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();

describe.runIf(chromiumAvailable())('API reference page in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const width of [1280, 375]) {
    it(`draws the document offline under a strict CSP, axe-clean at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const trouble: string[] = [];
      const origins = new Set<string>();
      page.on('console', (m) => void (['error', 'warning'].includes(m.type()) && trouble.push(`${m.type()}: ${m.text()}`)));
      page.on('pageerror', (e) => trouble.push(`pageerror: ${e.message}`));
      page.on('requestfailed', (r) => trouble.push(`failed: ${r.url()}`));
      page.on('request', (r) => void origins.add(new URL(r.url()).origin));
      try {
        const res = await page.goto(`${gh().url}/api/v1/docs`);
        const csp = res!.headers()['content-security-policy'] ?? '';
        expect(csp).toMatch(/script-src 'self'(;|$)/);
        expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
        // Drawn by the page's script once the document has loaded (built on the first request for it).
        await page.getByRole('heading', { name: 'Gatehouse API reference', level: 1 }).waitFor();

        // The document's operations, and one operation's answers with its stable problem codes.
        await page.getByText('Create a realm (platform keys only)').first().click();
        await page.getByText('The new realm, with its signing keys already generated.').first().waitFor();
        // The 409 answer is one tab over: in the page, with its codes.
        expect(await page.getByText('realm_exists').count()).toBeGreaterThan(0);
        expect(trouble).toEqual([]);
        expect([...origins]).toEqual([gh().url]);
        await expectAccessible(page, `API reference at ${width} px`);
      } finally {
        await context.close();
      }
    });
  }
});
