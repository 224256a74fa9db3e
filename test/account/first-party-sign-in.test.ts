// The account page signs its user in through the realm's own OIDC (a built-in first-party app):
// authorize with PKCE → the hosted login → the callback redeems the code in process → a session
// of its own. What a user sees: no consent page, the overview with their email, the realm's name;
// and what an attacker cannot do: reuse a code, forge the state, carry a session to another realm.
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { buildRealm, buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();

async function signInToAccount(realmName: string, email: string, password: string) {
  const browser = new Browser(gh().url);
  const login = await browser.navigate(`${gh().url}/realms/${realmName}/account`);
  expect(login.url).toContain(`/realms/${realmName}/interaction/`);
  expect(login.html).toContain('Sign in');
  const overview = await browser.submit(login, '/login', { email, password });
  return { browser, overview };
}

describe('the account page sign-in', () => {
  it('sends a signed-out visitor through the realm login and back to the overview, with no consent page', async () => {
    const realm = await buildRealm(gh());
    const user = await buildUser(gh(), realm);
    const { overview } = await signInToAccount(realm.name, user.email, user.password);
    expect(overview.status).toBe(200);
    expect(overview.url).toBe(`${gh().url}/realms/${realm.name}/account`);
    expect(overview.html).toContain(user.email);
    expect(overview.html).toContain(realm.displayName);
    expect(overview.headers.get('cache-control')).toBe('no-store');
    const cookies = await new Browser(gh().url).jar.getCookies(`${gh().url}/realms/${realm.name}/account`);
    expect(cookies).toEqual([]);
  });

  it('sets an HttpOnly, SameSite=Lax session cookie scoped to the account path', async () => {
    const realm = await buildRealm(gh());
    const user = await buildUser(gh(), realm);
    const { browser } = await signInToAccount(realm.name, user.email, user.password);
    const cookies = await browser.jar.getCookies(`${gh().url}/realms/${realm.name}/account`);
    const session = cookies.find((c) => c.key === 'gh_gatehouse_account');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('lax');
    expect(session?.path).toBe(`/realms/${realm.name}/account`);
  });

  it('refuses a callback whose state is not the one this browser started with, and the code from another browser', async () => {
    const realm = await buildRealm(gh());
    const user = await buildUser(gh(), realm);
    const browser = new Browser(gh().url);
    const start = await browser.request(`${gh().url}/realms/${realm.name}/account`);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe('gatehouse-account');
    // Follow the sign-in by hand, stopping at the callback.
    const page = await browser.navigate(authorize.href);
    let res = await browser.request(new URL(page.html.match(/action="([^"]*\/login)"/)![1]!.replace(/&amp;/g, '&'), page.url).href, { form: { _csrf: page.html.match(/name="_csrf" value="([^"]*)"/)![1]!, email: user.email, password: user.password } });
    let location = res.headers.get('location')!;
    while (!location.includes('/account/callback')) {
      res = await browser.request(new URL(location, gh().url).href);
      location = res.headers.get('location')!;
    }
    const callback = new URL(location, gh().url);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-state');
    const wrongState = await browser.request(forged.href);
    expect(wrongState.status).toBe(400);
    expect(await wrongState.text()).toContain('sign_in_expired');

    // A second browser has no flow cookie: the code is of no use to it, and it has no session.
    const other = new Browser(gh().url);
    const stolen = await other.request(callback.href);
    expect(stolen.status).toBe(400);
    expect((await other.request(`${gh().url}/realms/${realm.name}/account`)).status).toBe(303);
  });

  it('does not carry a session of realm A to realm B', async () => {
    const a = await buildRealm(gh());
    const b = await buildRealm(gh());
    const user = await buildUser(gh(), a);
    const { browser } = await signInToAccount(a.name, user.email, user.password);
    const [session] = (await browser.jar.getCookies(`${gh().url}/realms/${a.name}/account`)).filter((c) => c.key === 'gh_gatehouse_account');
    const intruder = new Browser(gh().url);
    await intruder.jar.setCookie(`gh_gatehouse_account=${session!.value}; Path=/realms/${b.name}/account`, `${gh().url}/realms/${b.name}/account`);
    const res = await intruder.request(`${gh().url}/realms/${b.name}/account`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain(`/realms/${b.name}/authorize`);
  });

  it('ends the page session on sign-out and with "sign out everywhere"', async () => {
    const realm = await buildRealm(gh());
    const user = await buildUser(gh(), realm);
    const first = await signInToAccount(realm.name, user.email, user.password);
    const signedOut = await first.browser.submit(first.overview, '/sign-out');
    expect(signedOut.html).toContain('signed out');
    expect((await first.browser.request(`${gh().url}/realms/${realm.name}/account`)).status).toBe(303);

    const second = await signInToAccount(realm.name, user.email, user.password);
    expect((await second.browser.request(`${gh().url}/realms/${realm.name}/account`)).status).toBe(200);
    await gh().services.forRealm(realm).sessions.revokeAll(user.id);
    expect((await second.browser.request(`${gh().url}/realms/${realm.name}/account`)).status).toBe(303);
  });
});
