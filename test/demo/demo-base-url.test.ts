// The demo follows BASE_URL at every start: a Gatehouse restarted on another PORT/BASE_URL over
// the same database still signs in at /demo (the demo app's redirect URIs were registered under
// the first one's address).
import { afterAll, describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';

const started: TestGatehouse[] = [];
afterAll(async () => {
  // The second shares the first's database: close it first, the first drops the database.
  for (const gh of started.reverse()) await gh.close();
});

describe('the demo after a restart on another BASE_URL', () => {
  it('signs in at /demo on the new address', async () => {
    const first = await startTestGatehouse({ DEMO: 'true' });
    started.push(first);
    const second = await startTestGatehouse({ DEMO: 'true' }, { shareWith: first });
    started.push(second);
    expect(second.url).not.toBe(first.url);

    const browser = new Browser(second.url);
    const login = await browser.navigate(`${second.url}/demo/login`);
    expect(login.status, login.html.slice(0, 500)).toBe(200);
    const consent = await browser.submit(login, '/login', { email: 'demo@example.com', password: 'demo-password' });
    const done = await browser.submit(consent, '/consent');
    expect(done.url).toMatch(`${second.url}/demo/callback?`);
    expect(done.status).toBe(200);
    expect(done.html).toContain('id="claims"');
    expect(done.html).toContain(`${second.url}/realms/demo`);
  });
});
