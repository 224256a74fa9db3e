// Brute-force protection as an attacker meets it: a source that guessed wrong too often is locked
// out of that account, sources without a device cookie share one budget per account (known
// devices: login-devices.test.ts), per-IP limits on the login form and the token endpoint answer
// 429 with Retry-After, and every attempt leaves an audit event.
// The server trusts one proxy hop (TRUST_PROXY=1): the last X-Forwarded-For entry is the client
// address, so each test speaks from its own address.
import { describe, expect, it } from 'vitest';
import type { Page } from '../support/browser.js';
import { buildApp } from '../support/builders.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { authorization, errorBanner, expectFriendlyPage, isLoginPage, postFormFrom, setUpRealm, type Answer } from './support.js';
import { useGatehouse } from '../support/gatehouse.js';

const LOCKOUT_SECONDS = 60;
const gh = useGatehouse({
  TRUST_PROXY: '1', LOCKOUT_FAILURES: '3', LOCKOUT_SECONDS: String(LOCKOUT_SECONDS), RATE_LIMIT_LOGIN_PER_IP: '5', RATE_LIMIT_TOKEN_PER_IP: '3',
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '4', RATE_LIMIT_TOKEN_PER_CLIENT: '4',
});

let lastOctet = 0;
/** A source address no other test uses (TEST-NET-3, RFC 5737). */
const newSource = () => `203.0.113.${++lastOctet}`;

/** A realm, its user, and a login page opened by a browser; `attempt` posts that page's form from an address. */
async function loginPage(target: TestGatehouse = gh()) {
  const setup = await setUpRealm(target);
  const page: Page = await setup.browser.navigate((await authorization(setup.config)).url);
  expect(isLoginPage(page)).toBe(true);
  const attempt = (ip: string, email: string, password: string, headers: Record<string, string> = {}) =>
    postFormFrom(setup.browser, page, '/login', { email, password }, { 'x-forwarded-for': ip, ...headers });
  return { ...setup, page, attempt };
}

/** A 429 page telling the user to wait, with a Retry-After; returns the Retry-After seconds. */
function expectTooMany(res: Answer): number {
  expectFriendlyPage(res, 429);
  expect(errorBanner(res.html)).toMatch(/^Too many sign-in attempts\. Try again in \d+ minute\(s\)\.$/);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  return retryAfter;
}

/** Three wrong passwords for the account, each from `source()`. */
async function guessWrong(attempt: (ip: string, email: string, password: string) => Promise<Answer>, email: string, source: () => string) {
  for (let i = 0; i < 3; i++) expect((await attempt(source(), email, `wrong guess ${i}`)).status).toBe(401);
}

/** A successful password check: redirected on into the authorization (303), no error page. */
const expectSignedIn = (res: { status: number; headers: Headers }) => {
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toMatch(/\/authorize\//);
};

describe('account lockout per source', () => {
  it('locks a source out after LOCKOUT_FAILURES wrong passwords, even for the right one, for at most LOCKOUT_SECONDS', async () => {
    const { user, attempt } = await loginPage();
    const attacker = newSource();
    await guessWrong(attempt, user.email, () => attacker);
    const locked = await attempt(attacker, user.email, user.password);
    expect(expectTooMany(locked)).toBeLessThanOrEqual(LOCKOUT_SECONDS);
    expect(errorBanner(locked.html)).toBe('Too many sign-in attempts. Try again in 1 minute(s).');
    expect(await gh().prisma.auditEvent.count({ where: { action: 'login.success', target: `user:${user.id}` } })).toBe(0);
  });

  it('keys on the address the trusted proxy saw: entries the client wrote before it change nothing', async () => {
    const { user, attempt } = await loginPage();
    const attacker = newSource();
    // A proxy appends the address it saw to whatever X-Forwarded-For the client sent.
    const spoofing = () => `${newSource()}, ${attacker}`;
    for (let i = 0; i < 3; i++) expect((await attempt(spoofing(), user.email, `wrong guess ${i}`)).status).toBe(401);
    expectTooMany(await attempt(spoofing(), user.email, user.password));
    const failures = await gh().prisma.auditEvent.findMany({ where: { action: 'login.failure', target: `user:${user.id}` } });
    expect(failures.map((f) => f.ip)).toEqual([attacker, attacker, attacker]);
  });

  it('does not lock the same account out for another source', async () => {
    const { user, attempt } = await loginPage();
    const attacker = newSource();
    await guessWrong(attempt, user.email, () => attacker);
    expectTooMany(await attempt(attacker, user.email, user.password));
    expectSignedIn(await attempt(newSource(), user.email, user.password));
  });
});

describe('without TRUST_PROXY, with LOCKOUT_SECONDS=2', () => {
  const direct = useGatehouse({ LOCKOUT_FAILURES: '3', LOCKOUT_SECONDS: '2' }, () => ({ shareWith: gh() }));

  it('ignores X-Forwarded-For: a spoofed address neither escapes the lock nor reaches the audit log', async () => {
    const { user, attempt } = await loginPage(direct());
    await guessWrong(attempt, user.email, newSource);
    expectTooMany(await attempt(newSource(), user.email, user.password));
    const failures = await direct().prisma.auditEvent.findMany({ where: { action: 'login.failure', target: `user:${user.id}` } });
    expect(failures.map((f) => f.ip)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('lets the right password in again once LOCKOUT_SECONDS have passed', async () => {
    const { user, attempt } = await loginPage(direct());
    await guessWrong(attempt, user.email, newSource);
    expectTooMany(await attempt(newSource(), user.email, user.password));
    await new Promise((r) => setTimeout(r, 2500));
    expectSignedIn(await attempt(newSource(), user.email, user.password));
  });
});

describe('an attack on one account from many sources (RATE_LIMIT_LOGIN_PER_ACCOUNT=4)', () => {
  it('shares one budget between sources without a device cookie: the fifth address is refused, even with the right password', async () => {
    const { user, attempt } = await loginPage();
    for (let i = 0; i < 4; i++) expect((await attempt(newSource(), user.email, 'a wrong guess')).status).toBe(401);
    // Each address has one wrong guess (under LOCKOUT_FAILURES), but unknown sources have spent the account's four.
    expect(expectTooMany(await attempt(newSource(), user.email, user.password))).toBeLessThanOrEqual(60);
    // Browsers that signed in before are not held back: test/security/login-devices.test.ts.
  });
});

describe('rate limits', () => {
  it('limits login attempts per source address (RATE_LIMIT_LOGIN_PER_IP) across accounts', async () => {
    const { attempt, user } = await loginPage();
    const source = newSource();
    // Different (unknown) accounts each time: only the per-address limit can stop these.
    for (let i = 0; i < 5; i++) expect((await attempt(source, `guess-${i}-${user.id}@example.com`, 'some password')).status).toBe(401);
    expect(expectTooMany(await attempt(source, user.email, user.password))).toBeLessThanOrEqual(60);
    expectSignedIn(await attempt(newSource(), user.email, user.password));
  });

  it('limits token requests per source address (RATE_LIMIT_TOKEN_PER_IP) with an RFC 6749-shaped 429', async () => {
    const { realm, issuer } = await setUpRealm(gh());
    const { clientSecret, app } = await buildApp(gh(), realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    const source = newSource();
    // The realm's name with its first letter percent-encoded: Express decodes it, so this form
    // reaches the token endpoint through the realm router, not src/oidc/machine-endpoints.ts.
    const encodedIssuer = issuer.replace(/\/realms\/(.)/, (_, c: string) => `/realms/%${c.charCodeAt(0).toString(16)}`);
    const token = (ip: string, at = issuer) =>
      fetch(`${at}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${app.clientId}:${clientSecret}`).toString('base64')}`,
          'x-forwarded-for': ip,
        },
        body: 'grant_type=client_credentials',
      });
    expect((await token(source, encodedIssuer)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await token(source)).status).toBe(200);
    const limited = await token(source);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json\b/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({ error: 'slow_down', error_description: expect.any(String) });
    // Both forms count against one limit: neither is a way around the other.
    expect((await token(source, encodedIssuer)).status).toBe(429);
    // Another address is not limited.
    expect((await token(newSource())).status).toBe(200);
  });
});

describe('token requests per client (RATE_LIMIT_TOKEN_PER_CLIENT=4)', () => {
  it('counts the tokens a client got, not requests that only name it', async () => {
    const { realm, issuer } = await setUpRealm(gh());
    const { clientSecret, app } = await buildApp(gh(), realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    const token = (secret: string) =>
      fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString('base64')}`, 'x-forwarded-for': newSource() },
        body: 'grant_type=client_credentials',
      });
    // Someone naming the client with a wrong secret, from many addresses: refused, and not counted.
    for (let i = 0; i < 6; i++) expect((await token('not-the-secret')).status).toBe(401);
    for (let i = 0; i < 4; i++) expect((await token(clientSecret!)).status).toBe(200);
    const limited = await token(clientSecret!);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'slow_down', error_description: expect.any(String) });
  });
});

describe('new authorization requests per address (RATE_LIMIT_AUTHORIZE_PER_IP=3)', () => {
  const limited = useGatehouse({ TRUST_PROXY: '1', RATE_LIMIT_AUTHORIZE_PER_IP: '3' }, () => ({ shareWith: gh() }));

  it('answers the fourth from one address with a 429 page and Retry-After, and serves another address', async () => {
    const { config } = await setUpRealm(limited());
    const open = async (ip: string) => {
      const { url } = await authorization(config);
      return fetch(url, { redirect: 'manual', headers: { accept: 'text/html', 'x-forwarded-for': ip } });
    };
    const source = newSource();
    for (let i = 0; i < 3; i++) expect((await open(source)).status).toBe(303);
    const refused = await open(source);
    const page = { status: refused.status, headers: refused.headers, html: await refused.text() };
    expectFriendlyPage(page, 429);
    expect(page.html).toContain('<code>rate_limited</code>');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await open(newSource())).status).toBe(303);
  });
});

describe('audit', () => {
  it('records login.failure and login.success with the source address, user agent and request id', async () => {
    const { user, attempt, realm } = await loginPage();
    const source = newSource();
    const client = (requestId: string) => ({ 'user-agent': 'BruteForceTest/1.0', 'x-request-id': requestId });
    expect((await attempt(source, user.email, 'wrong password', client('req-failure-1'))).status).toBe(401);
    expect((await attempt(source, `nobody-${user.id}@example.com`, 'wrong password', client('req-failure-2'))).status).toBe(401);
    expectSignedIn(await attempt(source, user.email, user.password, client('req-success-1')));
    await gh().auditWriter.flush();

    const events = await gh().prisma.auditEvent.findMany({ where: { realmId: realm.id, action: { startsWith: 'login.' } }, orderBy: { createdAt: 'asc' } });
    expect(events.map(({ action, actor, target, ip, userAgent, requestId }) => ({ action, actor, target, ip, userAgent, requestId }))).toEqual([
      { action: 'login.failure', actor: 'anonymous', target: `user:${user.id}`, ip: source, userAgent: 'BruteForceTest/1.0', requestId: 'req-failure-1' },
      { action: 'login.failure', actor: 'anonymous', target: null, ip: source, userAgent: 'BruteForceTest/1.0', requestId: 'req-failure-2' },
      { action: 'login.success', actor: `user:${user.id}`, target: `user:${user.id}`, ip: source, userAgent: 'BruteForceTest/1.0', requestId: 'req-success-1' },
    ]);
    // The audit trail says why, never with what: no password in any event.
    expect(JSON.stringify(events)).not.toContain('wrong password');
    expect(JSON.stringify(events)).not.toContain(user.password);
  });
});
