// The account page's profile, password, connected apps and activity sections through HTTP, as a
// browser without JavaScript uses them: each change as the user sees it, CSRF refused, a sign-in
// older than the step-up window sent to sign in again, and realm B blind to realm A's consents.
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { buildUser, unique } from '../support/builders.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { oidc, signIn } from '../support/relying-party.js';
import { accountRealm, REDIRECT } from '../accounts/account-flows.js';
import { accountUrl, ageSignIn, openAccount, passSignIn, post, textOf } from './account-page.js';

const { gh, smtp } = useGatehouseWithSmtp();

describe('account page: profile', () => {
  it('saves the name, and changes the email only when the link mailed to the new address is followed, telling the old one', async () => {
    const { realm } = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    const { browser, overview } = await openAccount(gh(), realm.name, user);
    const named = await browser.submit(overview, '/profile/name', { name: 'Ada Lovelace' });
    expect(textOf(named.html)).toContain('Your name was saved.');
    expect(named.html).toContain('value="Ada Lovelace"');

    const newEmail = `${unique('new')}@example.com`;
    const asked = await browser.submit(named, '/profile/email', { email: newEmail });
    expect(textOf(asked.html)).toContain(`We sent a link to ${newEmail}`);
    expect((await gh().services.forRealm(realm).scope.users.findById(user.id))?.email).toBe(user.email.toLowerCase());

    const mail = await smtp().waitFor(newEmail, (m) => m.links.some((l) => l.includes('/account/profile/email-change?token=')));
    const link = mail.links.find((l) => l.includes('/account/profile/email-change?token='))!;
    // Opened on another device, with no account session: a button, nothing changed by the GET.
    const phone = new Browser(gh().url);
    const confirm = await phone.navigate(link);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.html)).toContain(newEmail);
    const done = await phone.submit(confirm, '/profile/email-change');
    expect(done.status).toBe(200);
    expect(textOf(done.html)).toContain(`Your account now uses ${newEmail}`);
    const changed = await gh().services.forRealm(realm).scope.users.findById(user.id);
    expect(changed).toMatchObject({ email: newEmail, emailVerified: true });
    const told = await smtp().waitFor(user.email.toLowerCase(), (m) => m.subject.includes('email address'));
    expect(told.text).toContain(newEmail);

    const again = await new Browser(gh().url).navigate(link);
    expect(again.status).toBe(400);
    expect(textOf(again.html)).toContain('no longer valid');
    // The new address signs in.
    const fresh = await openAccount(gh(), realm.name, { email: newEmail, password: user.password });
    expect(textOf(fresh.overview.html)).toContain(newEmail);
  });

  it('refuses a form without the CSRF token and changes nothing', async () => {
    const { realm } = await accountRealm(gh());
    const user = await buildUser(gh(), realm, { name: 'Before' });
    const { browser, overview } = await openAccount(gh(), realm.name, user);
    const res = await post(browser, overview, '/profile/name', { name: 'After', _csrf: 'forged' });
    expect(res.status).toBe(403);
    const noToken = await browser.request(accountUrl(gh(), realm.name, '/sessions/end-all'), { form: { x: '1' } });
    expect(noToken.status).toBe(403);
    expect((await gh().services.forRealm(realm).scope.users.findById(user.id))?.name).toBe('Before');
    expect((await browser.request(accountUrl(gh(), realm.name))).status).toBe(200);
  });
});

describe('account page: password', () => {
  it('asks for a fresh sign-in when the last one is older than the step-up window, then makes the change', async () => {
    const { realm } = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    const { browser, overview } = await openAccount(gh(), realm.name, user);
    await ageSignIn(gh(), realm.id, user.id);
    const res = await post(browser, overview, '/password', { current_password: user.password, new_password: 'a much newer secret', confirm_password: 'a much newer secret' });
    expect(res.status).toBe(303);
    const authorize = new URL(res.headers.get('location')!);
    expect(authorize.pathname).toBe(`/realms/${realm.name}/authorize`);
    expect(authorize.searchParams.get('max_age')).toBe('0');
    // The realm session is still there, yet the password is asked again.
    const login = await browser.navigate(authorize.href);
    expect(login.html).toContain('name="password"');
    const back = await passSignIn(browser, login, user);
    expect(back.url).toBe(accountUrl(gh(), realm.name));
    const changed = await browser.submit(back, '/password', { current_password: user.password, new_password: 'a much newer secret', confirm_password: 'a much newer secret' });
    expect(textOf(changed.html)).toContain('Your password was changed.');
  });

  it('needs the current password and a new one the policy accepts; ends the other sessions and mails a notice', async () => {
    const { realm, config } = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    const elsewhere = await signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid email offline_access', prompt: 'consent' });
    const { browser, overview } = await openAccount(gh(), realm.name, user);

    const wrong = await browser.submit(overview, '/password', { current_password: 'not it', new_password: 'a much newer secret', confirm_password: 'a much newer secret' });
    expect(wrong.status).toBe(400);
    expect(textOf(wrong.html)).toContain('Your current password is not right.');
    const weak = await browser.submit(overview, '/password', { current_password: user.password, new_password: 'password', confirm_password: 'password' });
    expect(weak.status).toBe(400);
    expect(textOf(weak.html)).toContain('Choose another new password.');
    const mismatch = await browser.submit(overview, '/password', { current_password: user.password, new_password: 'a much newer secret', confirm_password: 'another one' });
    expect(textOf(mismatch.html)).toContain('not the same');

    const done = await browser.submit(overview, '/password', { current_password: user.password, new_password: 'a much newer secret', confirm_password: 'a much newer secret' });
    expect(textOf(done.html)).toContain('Your other sessions were signed out.');
    await expect(oidc.refreshTokenGrant(config, elsewhere.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // This browser stays signed in to its account page.
    expect((await browser.request(accountUrl(gh(), realm.name))).status).toBe(200);
    const notice = await smtp().waitFor(user.email.toLowerCase(), (m) => m.subject.includes('password was changed'));
    expect(notice.text.replace(/\s+/g, ' ')).toContain('every other device signed in to it was signed out');
    await expect(signIn(config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT })).rejects.toThrow(/did not return/);
    await signIn(config, gh().url, { email: user.email, password: 'a much newer secret', redirectUri: REDIRECT });
  });
});

describe('account page: connected apps and activity', () => {
  it('lists the apps the user consented to; disconnecting one forgets the consent and ends its tokens; realm B cannot touch it', async () => {
    const a = await accountRealm(gh());
    const b = await accountRealm(gh());
    const user = await buildUser(gh(), a.realm);
    const twin = await buildUser(gh(), b.realm, { email: user.email, password: user.password });
    const granted = await signIn(a.config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid email offline_access', prompt: 'consent' });
    const { browser, overview } = await openAccount(gh(), a.realm.name, user);
    expect(textOf(overview.html)).toContain(a.app.name);

    // Realm B's page, same person: realm A's app id is nothing there.
    const inB = await openAccount(gh(), b.realm.name, twin);
    expect(textOf(inB.overview.html)).toContain('No app has access to your account.');
    const csrfB = /name="_csrf" value="([^"]*)"/.exec(inB.overview.html)![1]!;
    const refused = await inB.browser.navigate(accountUrl(gh(), b.realm.name, '/apps/revoke'), { form: { _csrf: csrfB, app: a.app.id } });
    expect(textOf(refused.html)).toContain('That app was not connected.');
    expect(await gh().services.forRealm(a.realm).scope.consents.find(user.id, a.app.id)).not.toBeNull();

    const revoked = await browser.submit(overview, '/apps/revoke');
    expect(textOf(revoked.html)).toContain(`${a.app.name} is no longer connected`);
    expect(textOf(revoked.html)).toContain('No app has access to your account.');
    expect(await gh().services.forRealm(a.realm).scope.consents.find(user.id, a.app.id)).toBeNull();
    await expect(oidc.refreshTokenGrant(a.config, granted.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The app asks for consent again.
    const next = await signIn(a.config, gh().url, { email: user.email, password: user.password, redirectUri: REDIRECT, scope: 'openid email' });
    expect(next.pages.some((p) => p.includes('/consent"'))).toBe(true);
  });

  it('shows the security activity newest first, in plain words, with time and address', async () => {
    const { realm, config } = await accountRealm(gh());
    const user = await buildUser(gh(), realm);
    await expect(signIn(config, gh().url, { email: user.email, password: 'wrong password', redirectUri: REDIRECT })).rejects.toThrow();
    const { overview } = await openAccount(gh(), realm.name, user);
    const activity = textOf(/<section id="activity"[\s\S]*?<\/section>/.exec(overview.html)![0]);
    expect(activity).toMatch(/Signed in with your password .*from 127\.0\.0\.1.*A sign-in failed \(wrong password\)/);
    expect(activity).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });
});
