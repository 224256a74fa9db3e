// Real Chromium for browser tests, driven by playwright-core (which never downloads a browser).
// Chromium is found at CHROMIUM_PATH or /usr/bin/chromium (Debian: apt-get install chromium).
// Without it the browser tests are skipped and say why, unless GATEHOUSE_REQUIRE_BROWSER=true
// (set by .ci/run, which installs Chromium): then a missing browser fails the run.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const required = process.env.GATEHOUSE_REQUIRE_BROWSER === 'true';

/** Whether browser tests run here; throws when they are required and Chromium is missing. */
export function chromiumAvailable(): boolean {
  if (existsSync(path)) return true;
  if (required) throw new Error(`GATEHOUSE_REQUIRE_BROWSER=true but there is no Chromium at ${path} (set CHROMIUM_PATH)`);
  console.warn(`browser tests skipped: no Chromium at ${path} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: path,
    // This machine has no network beyond the registries: keep Chromium from calling home.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
