// Smoke check against a running server (used by .ci/smoke after `npm start`): signs in through
// the demo relying party at /demo, i.e. a whole authorization code + PKCE flow through the hosted
// pages, and checks the ID token claims the demo page shows. Usage: code-flow.ts <base url>
import { Browser } from '../support/browser.js';

const base = (process.argv[2] ?? 'http://localhost:3000').replace(/\/$/, '');
const browser = new Browser(base);

function fail(message: string, html = ''): never {
  console.error(`smoke: FAILED: ${message}\n${html.slice(0, 1500)}`);
  process.exit(1);
}

let page = await browser.navigate(`${base}/demo/login`);
if (!page.html.includes('name="password"')) fail('no login page', page.html);
page = await browser.submit(page, '/login', { email: 'demo@example.com', password: 'demo-password' });
if (page.html.includes('/consent"')) page = await browser.submit(page, '/consent');
if (!page.url.startsWith(`${base}/demo/callback`)) fail(`ended at ${page.url}`, page.html);
const claims = /<pre id="claims">([\s\S]*?)<\/pre>/.exec(page.html)?.[1]?.replace(/&quot;/g, '"');
const userinfo = /<pre id="userinfo">([\s\S]*?)<\/pre>/.exec(page.html)?.[1]?.replace(/&quot;/g, '"').replace(/&#64;/g, '@');
if (!claims || JSON.parse(claims).iss !== `${base}/realms/demo`) fail('the demo page shows no ID token claims from the demo realm', page.html);
if (!userinfo || JSON.parse(userinfo).email !== 'demo@example.com') fail('the demo page shows no userinfo for the demo user', page.html);
console.log(`smoke: OK: signed in through ${base}/realms/demo and the demo page shows the ID token claims`);
