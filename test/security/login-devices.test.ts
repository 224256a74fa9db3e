// The device-cookie throttle (OWASP "Slow Down Online Guessing Attacks with Device Cookies") as the
// real user and an attacker meet it: a browser that signed in to the account before is judged by
// its own failures only, while every other source shares one budget per account
// (RATE_LIMIT_LOGIN_PER_ACCOUNT=4 here) that no number of addresses can overdraw.
// TRUST_PROXY=1: the last X-Forwarded-For entry is the client address.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { Browser, formOn, type Page } from '../support/browser.js';
import { buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { authorization, isLoginPage, postFormFrom, setUpRealm, type Answer } from './support.js';

const BUDGET = 4;
const PER_IP = 6;
const gh = useGatehouse({
  TRUST_PROXY: '1', LOCKOUT_FAILURES: '3', LOCKOUT_SECONDS: '60', RATE_LIMIT_LOGIN_PER_ACCOUNT: String(BUDGET), RATE_LIMIT_LOGIN_PER_IP: String(PER_IP),
});

let lastOctet = 0;
/** A source address no other test uses (TEST-NET-2, RFC 5737). */
const newSource = () => `198.51.100.${++lastOctet}`;

type Realm = Awaited<ReturnType<typeof setUpRealm>>;

/** A login page opened by `browser` (prompt=login: shown even to a browser with a session). */
async function openLogin(browser: Browser, config: Realm['config']): Promise<Page> {
  const page = await browser.navigate((await authorization(config, { prompt: 'login' })).url);
  expect(isLoginPage(page)).toBe(true);
  return page;
}

/** Posts the page's login form from `ip` and keeps the cookies the answer sets, as a browser does. */
async function signIn(browser: Browser, page: Page, ip: string, email: string, password: string): Promise<Answer> {
  const answer = await postFormFrom(browser, page, '/login', { email, password }, { 'x-forwarded-for': ip });
  const url = new URL(formOn(page.html, '/login').action, page.url).href;
  for (const cookie of answer.headers.getSetCookie()) await browser.jar.setCookie(cookie, url);
  return answer;
}

const expectSignedIn = (res: Answer) => {
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toMatch(/\/authorize\//);
};

/** A browser that signed in to the realm's user once: it holds the device cookie; `attempt` posts a fresh login page. */
async function knownDevice({ config, user }: Pick<Realm, 'config' | 'user'>, ip = newSource()) {
  const browser = new Browser(gh().url);
  expectSignedIn(await signIn(browser, await openLogin(browser, config), ip, user.email, user.password));
  const attempt = async (password: string, email = user.email, from = ip) => signIn(browser, await openLogin(browser, config), from, email, password);
  return { browser, attempt };
}

/** Someone without a device cookie: one login page, posted from any address. */
async function unknownSource({ config }: Pick<Realm, 'config'>) {
  const browser = new Browser(gh().url);
  const page = await openLogin(browser, config);
  return (ip: string, email: string, password: string) => postFormFrom(browser, page, '/login', { email, password }, { 'x-forwarded-for': ip });
}

/** `count` wrong guesses at `email` from fresh addresses, all at once; returns the statuses. */
async function distributedGuesses(attempt: Awaited<ReturnType<typeof unknownSource>>, email: string, count: number) {
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => attempt(newSource(), email, `guess ${i}`)));
  return answers.map((a) => a.status);
}

const tally = (statuses: number[]) => ({ 401: statuses.filter((s) => s === 401).length, 429: statuses.filter((s) => s === 429).length });

describe('the attacks of issue 6 §2', () => {
  it('a: one mistype by the real user, then 10 wrong guesses from 10 addresses: the real user, on a browser that signed in before, still signs in', async () => {
    const setup = await setUpRealm(gh());
    const home = newSource();
    const device = await knownDevice(setup, home);
    expect((await device.attempt('a mistyped password')).status).toBe(401);
    const attacker = await unknownSource(setup);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await attacker(newSource(), setup.user.email, `guess ${i}`)).status);
    expect(statuses).toEqual([...Array(BUDGET).fill(401), ...Array(10 - BUDGET).fill(429)]);
    expectSignedIn(await device.attempt(setup.user.password));
  });

  it('b: 20 addresses with one guess each, all at once, get exactly the per-account budget of guesses checked', async () => {
    const setup = await setUpRealm(gh());
    const attacker = await unknownSource(setup);
    expect(tally(await distributedGuesses(attacker, setup.user.email, 20))).toEqual({ 401: BUDGET, 429: 20 - BUDGET });
    // Counted where it matters: how many guesses reached the password check.
    await gh().auditWriter.flush();
    expect(await gh().prisma.auditEvent.count({ where: { action: 'login.failure', target: `user:${setup.user.id}` } })).toBe(BUDGET);
    // An email with no account is throttled the same way: the answers do not tell which exists.
    expect(tally(await distributedGuesses(attacker, `nobody-${setup.user.id}@example.com`, 20))).toEqual({ 401: BUDGET, 429: 20 - BUDGET });
  });

  it('a known device signs in during an ongoing attack; the owner on a new browser is refused like the attacker (OWASP trade-off)', async () => {
    const setup = await setUpRealm(gh());
    const device = await knownDevice(setup);
    const attacker = await unknownSource(setup);
    await distributedGuesses(attacker, setup.user.email, 10);
    const newBrowser = await unknownSource(setup);
    expect((await newBrowser(newSource(), setup.user.email, setup.user.password)).status).toBe(429);
    expectSignedIn(await device.attempt(setup.user.password));
    // Still known after signing in again (the cookie was renewed), while the attack goes on.
    await distributedGuesses(attacker, setup.user.email, 5);
    expectSignedIn(await device.attempt(setup.user.password));
  });
});

describe('a known device is judged by its own failures', () => {
  it('locks that device out after LOCKOUT_FAILURES wrong passwords, not the account\'s other devices (at the same address) nor its unknown-source budget', async () => {
    const setup = await setUpRealm(gh());
    const home = newSource();
    const laptop = await knownDevice(setup, home);
    const phone = await knownDevice(setup, home);
    for (let i = 0; i < 3; i++) expect((await laptop.attempt(`wrong ${i}`)).status).toBe(401);
    const locked = await laptop.attempt(setup.user.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expectSignedIn(await phone.attempt(setup.user.password));
    expectSignedIn(await (await unknownSource(setup))(newSource(), setup.user.email, setup.user.password));
  });

  it('is not held back by an attacker at its own address: neither the per-IP limit nor that address\'s lockout', async () => {
    const setup = await setUpRealm(gh());
    const shared = newSource();
    const device = await knownDevice(setup, shared); // its first sign-in, from an unknown source, took one per-IP point
    const attacker = await unknownSource(setup);
    // Other (unknown) accounts from the shared address: only the per-IP limit counts these.
    for (let i = 1; i < PER_IP; i++) expect((await attacker(shared, `guess-${i}-${setup.user.id}@example.com`, 'some password')).status).toBe(401);
    expect((await attacker(shared, setup.user.email, setup.user.password)).status).toBe(429);
    expectSignedIn(await device.attempt(setup.user.password));

    const shared2 = newSource();
    for (let i = 0; i < 3; i++) expect((await attacker(shared2, setup.user.email, `guess ${i}`)).status).toBe(401);
    expect((await attacker(shared2, setup.user.email, setup.user.password)).status).toBe(429);
    expectSignedIn(await device.attempt(setup.user.password, setup.user.email, shared2));
  });
});

describe('the device cookie', () => {
  it('is HttpOnly, SameSite=Lax, scoped to the realm, expires, and carries no email', async () => {
    const setup = await setUpRealm(gh());
    const browser = new Browser(gh().url);
    const answer = await signIn(browser, await openLogin(browser, setup.config), newSource(), setup.user.email, setup.user.password);
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('gh_device='));
    expect(cookie).toBeDefined();
    const attributes = cookie!.split(/;\s*/).slice(1).map((a) => a.toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', `path=/realms/${setup.realm.name}`]));
    expect(attributes.find((a) => a.startsWith('max-age='))).toMatch(/^max-age=\d{7,}$/);
    expect(attributes).not.toContain('secure'); // BASE_URL is http here
    const value = decodeURIComponent(cookie!.split(';')[0]!.slice('gh_device='.length));
    expect(value).not.toContain(setup.user.email.split('@')[0]);
  });

  it('counts for nobody when tampered with, for another account of the realm, or in another realm', async () => {
    const setup = await setUpRealm(gh());
    const device = await knownDevice(setup);
    const token = (await device.browser.jar.getCookies(`${gh().url}/realms/${setup.realm.name}/`)).find((c) => c.key === 'gh_device');
    expect(token).toBeDefined();

    // Another user of the same realm, under attack: the first user's device is unknown to them.
    const other = await buildUser(gh(), setup.realm);
    await distributedGuesses(await unknownSource(setup), other.email, BUDGET);
    expect((await device.attempt(other.password, other.email)).status).toBe(429);

    // The same email in another realm, under attack: the cookie is not sent there, and copied there it is not valid.
    const setupB = await setUpRealm(gh());
    const realmB = setupB.realm;
    const twin = await buildUser(gh(), realmB, { email: setup.user.email });
    await distributedGuesses(await unknownSource(setupB), twin.email, BUDGET);
    const visitor = await openLogin(device.browser, setupB.config);
    expect((await signIn(device.browser, visitor, newSource(), twin.email, twin.password)).status).toBe(429);
    await device.browser.jar.setCookie(`gh_device=${token!.value}; Path=/realms/${realmB.name}`, gh().url);
    expect((await signIn(device.browser, await openLogin(device.browser, setupB.config), newSource(), twin.email, twin.password)).status).toBe(429);

    // Tampered (one character of the mac changed): unknown; the untouched cookie still works.
    await distributedGuesses(await unknownSource(setup), setup.user.email, BUDGET);
    const setDevice = (value: string) => device.browser.jar.setCookie(`gh_device=${value}; Path=/realms/${setup.realm.name}`, gh().url);
    await setDevice(token!.value.slice(0, -1) + (token!.value.endsWith('A') ? 'B' : 'A'));
    expect((await device.attempt(setup.user.password)).status).toBe(429);
    await setDevice(token!.value);
    expectSignedIn(await device.attempt(setup.user.password));
  });
});
