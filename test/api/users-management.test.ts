// User management through the API, end to end: PATCH, DELETE, set password, sign out
// everywhere, set-password mail, search. A user signed in through the hosted login is the
// witness: after disable, delete, password set or revoke, their refresh token is refused at
// /token, their access token at userinfo, introspection says inactive, and their browser
// session signs nobody in.
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../support/builders.js';
import { Browser } from '../support/browser.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { bearer, buildDeveloper, expectProblem } from './support.js';
import { buildManagedRealm, createUser, expectTokensDead, expectTokensWork, PASSWORD, signedIn, tryLogin, type ManagedRealm } from './users-support.js';

const { gh, smtp } = useGatehouseWithSmtp();
let key: string;
let realm: ManagedRealm;

const api = () => request(gh().url);
const users = (path = '') => `/api/v1/realms/${realm.name}/users${path}`;
/** The user's newest audit event with this action. */
const audited = (userId: string, action: string) =>
  gh().prisma.auditEvent.findFirst({ where: { realmId: realm.realm.id, target: `user:${userId}`, action }, orderBy: { createdAt: 'desc' } });

beforeAll(async () => {
  ({ key } = await buildDeveloper(gh()));
  realm = await buildManagedRealm(gh(), key);
});

describe('PATCH /users/{id}', () => {
  it('changes the profile; null clears a name; the change is audited by field name only', async () => {
    const user = await createUser(gh(), key, realm.name, { givenName: 'Ann' });
    const res = await api().patch(users(`/${user.id}`)).set(bearer(key)).send({ name: 'Ann Other', givenName: null, familyName: 'Other' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, name: 'Ann Other', givenName: null, familyName: 'Other', email: user.email, emailVerified: true, disabled: false });
    expect((await api().get(users(`/${user.id}`)).set(bearer(key))).body).toEqual(res.body);
    const updated = await audited(user.id, 'user.updated');
    expect(updated).toMatchObject({ actor: expect.stringMatching(/^api-key:/), data: { fields: ['name', 'givenName', 'familyName'] } });
    expect(JSON.stringify(updated?.data)).not.toContain('Ann');
  });

  it('a new email is lower-cased and unverified (unless verified in the same call), ends mailed links, and must be unique', async () => {
    const user = await createUser(gh(), key, realm.name);
    const scope = gh().services.forRealm(realm.realm).scope;
    const reset = await scope.inTransaction((tx) => gh().services.userTokens.issue(tx, user.id, 'password_reset'));
    const email = `${unique('New')}@Example.COM`;
    const changed = await api().patch(users(`/${user.id}`)).set(bearer(key)).send({ email });
    expect(changed.body).toMatchObject({ email: email.toLowerCase(), emailVerified: false });
    // A reset link mailed to the old address no longer works.
    expect(await gh().services.userTokens.peek(scope, 'password_reset', reset.token)).toBeNull();
    const event = await audited(user.id, 'user.updated');
    expect(event?.data).toEqual({ fields: ['email', 'emailVerified'], emailVerified: false });
    expect(JSON.stringify(event)).not.toContain(email.toLowerCase());

    // The new address gets a verification mail; its link verifies it.
    const mail = await smtp().waitFor(email.toLowerCase());
    const browser = new Browser(gh().url);
    const confirm = await browser.navigate(mail.links.find((l) => l.includes('/email/verify?token='))!);
    expect((await browser.submit(confirm, '/email/verify')).status).toBe(200);
    expect((await api().get(users(`/${user.id}`)).set(bearer(key))).body).toMatchObject({ email: email.toLowerCase(), emailVerified: true });

    // An address the administrator marks verified in the same call needs no mail.
    const trusted = `${unique('v')}@example.com`;
    const verified = await api().patch(users(`/${user.id}`)).set(bearer(key)).send({ email: trusted, emailVerified: true });
    expect(verified.body).toMatchObject({ email: trusted, emailVerified: true });

    const other = await createUser(gh(), key, realm.name);
    const taken = await api().patch(users(`/${user.id}`)).set(bearer(key)).send({ email: other.email.toUpperCase() });
    expectProblem(taken, 409, 'email_taken');
    expect((await api().get(users(`/${user.id}`)).set(bearer(key))).body).toEqual(verified.body);
    expect(smtp().to(trusted)).toEqual([]);
  });

  it('after an email change the user signs in with the new address, not the old one', async () => {
    const user = await createUser(gh(), key, realm.name);
    const email = `${unique('moved')}@example.com`;
    await api().patch(users(`/${user.id}`)).set(bearer(key)).send({ email, emailVerified: true }).expect(200);
    expect((await tryLogin(gh(), realm, { credentials: { email: user.email, password: PASSWORD } })).outcome).toBe('refused');
    expect((await tryLogin(gh(), realm, { credentials: { email, password: PASSWORD } })).outcome).toBe('signed-in');
  });

  it('disabling signs the user out everywhere; enabling lets them sign in again', async () => {
    const user = await createUser(gh(), key, realm.name);
    const { tokens, browser } = await signedIn(gh(), realm, user);
    await expectTokensWork(realm, tokens);

    const res = await api().patch(users(`/${user.id}`)).set(bearer(key)).send({ disabled: true });
    expect(res.body).toMatchObject({ disabled: true });
    await expectTokensDead(realm, tokens);
    expect((await tryLogin(gh(), realm, { browser })).outcome).toBe('login-page');
    const refused = await tryLogin(gh(), realm, { credentials: { email: user.email, password: PASSWORD } });
    expect(refused.outcome).toBe('refused');
    expect(refused.html).toContain('Incorrect email or password.');
    expect((await audited(user.id, 'user.updated'))?.data).toEqual({ fields: ['disabled'], disabled: true });

    await api().patch(users(`/${user.id}`)).set(bearer(key)).send({ disabled: false }).expect(200);
    expect((await tryLogin(gh(), realm, { credentials: { email: user.email, password: PASSWORD } })).outcome).toBe('signed-in');
  });
});

describe('DELETE /users/{id}', () => {
  it('deletes the user and kills their tokens and session; the audit keeps a tombstone without the address', async () => {
    const user = await createUser(gh(), key, realm.name);
    const { tokens, browser } = await signedIn(gh(), realm, user);
    await expectTokensWork(realm, tokens);

    expect((await api().delete(users(`/${user.id}`)).set(bearer(key))).status).toBe(204);
    expectProblem(await api().get(users(`/${user.id}`)).set(bearer(key)), 404, 'not_found');
    expectProblem(await api().delete(users(`/${user.id}`)).set(bearer(key)), 404, 'not_found');
    await expectTokensDead(realm, tokens);
    expect((await tryLogin(gh(), realm, { browser })).outcome).toBe('login-page');
    expect((await tryLogin(gh(), realm, { credentials: { email: user.email, password: PASSWORD } })).outcome).toBe('refused');

    // Credentials, consents and mailed tokens went with the row.
    const [passwords, consents, tokensLeft] = await Promise.all([
      gh().prisma.passwordCredential.count({ where: { userId: user.id } }),
      gh().prisma.consent.count({ where: { userId: user.id } }),
      gh().prisma.userToken.count({ where: { userId: user.id } }),
    ]);
    expect({ passwords, consents, tokensLeft }).toEqual({ passwords: 0, consents: 0, tokensLeft: 0 });
    const tombstone = await audited(user.id, 'user.deleted');
    expect(tombstone).toMatchObject({ data: { emailDigest: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) } });
    expect(JSON.stringify(tombstone)).not.toContain(user.email);
    // The same address can be used again for a new account.
    await createUser(gh(), key, realm.name, { email: user.email });
  });

  it('refuses to delete a developer account that owns realms (409), and deletes it once it owns none', async () => {
    const developer = await buildDeveloper(gh());
    const admin = gh().services.forRealm(await gh().services.realms.ensureAdminRealm());
    const owned = await buildManagedRealm(gh(), developer.key);
    await expect(admin.userAdmin.remove(developer.user.id, { actor: 'test' })).rejects.toMatchObject({ status: 409, code: 'user_owns_realms' });
    expect(await admin.users.get(developer.user.id)).not.toBeNull();
    await gh().prisma.realm.delete({ where: { id: owned.realm.id } });
    expect(await admin.userAdmin.remove(developer.user.id, { actor: 'test' })).toBe(true);
  });
});

describe('POST /users/{id}/password', () => {
  it("applies the realm's policy with messages that say what to change", async () => {
    const user = await createUser(gh(), key, realm.name, { email: `${unique('kim')}@example.com` });
    const local = user.email.split('@')[0]!;
    for (const [password, code] of [['short', 'too_short'], ['password123', 'too_common'], [`my ${local} pass`, 'contains_email']]) {
      const res = await api().post(users(`/${user.id}/password`)).set(bearer(key)).send({ password });
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors).toEqual([{ path: 'password', code, message: expect.any(String) }]);
    }
  });

  it('sets the password (argon2id), ends reset links and signs the user out everywhere', async () => {
    const user = await createUser(gh(), key, realm.name);
    const { tokens, browser } = await signedIn(gh(), realm, user);
    const scope = gh().services.forRealm(realm.realm).scope;
    const reset = await scope.inTransaction((tx) => gh().services.userTokens.issue(tx, user.id, 'password_reset'));

    const res = await api().post(users(`/${user.id}/password`)).set(bearer(key)).send({ password: 'a brand new passphrase' });
    expect(res.status).toBe(204);
    expect((await gh().prisma.passwordCredential.findFirstOrThrow({ where: { userId: user.id } })).hash).toMatch(/^\$argon2id\$/);
    expect(await gh().services.userTokens.peek(scope, 'password_reset', reset.token)).toBeNull();
    await expectTokensDead(realm, tokens);
    expect((await tryLogin(gh(), realm, { browser })).outcome).toBe('login-page');
    expect((await tryLogin(gh(), realm, { credentials: { email: user.email, password: PASSWORD } })).outcome).toBe('refused');
    expect((await tryLogin(gh(), realm, { credentials: { email: user.email, password: 'a brand new passphrase' } })).outcome).toBe('signed-in');
    expect(await audited(user.id, 'user.password_set')).toMatchObject({ data: {} });
    expect(gh().logLines.join('')).not.toContain('a brand new passphrase');
  });

  it('gives a user created without a password one', async () => {
    const user = await createUser(gh(), key, realm.name, { password: undefined });
    await api().post(users(`/${user.id}/password`)).set(bearer(key)).send({ password: 'first ever passphrase' }).expect(204);
    expect((await tryLogin(gh(), realm, { credentials: { email: user.email, password: 'first ever passphrase' } })).outcome).toBe('signed-in');
  });
});

describe('POST /users/{id}/sessions/revoke', () => {
  it('signs the user out everywhere; they can sign in again with their password', async () => {
    const user = await createUser(gh(), key, realm.name);
    const first = await signedIn(gh(), realm, user);
    const second = await signedIn(gh(), realm, user);
    const bystander = await createUser(gh(), key, realm.name);
    const theirs = await signedIn(gh(), realm, bystander);

    expect((await api().post(users(`/${user.id}/sessions/revoke`)).set(bearer(key))).status).toBe(204);
    await expectTokensDead(realm, first.tokens);
    await expectTokensDead(realm, second.tokens);
    expect((await tryLogin(gh(), realm, { browser: first.browser })).outcome).toBe('login-page');
    // Another user of the realm keeps their session and tokens.
    await expectTokensWork(realm, theirs.tokens);
    expect((await tryLogin(gh(), realm, { browser: theirs.browser })).outcome).toBe('signed-in');
    expect(await audited(user.id, 'user.sessions_revoked')).not.toBeNull();
    expect((await tryLogin(gh(), realm, { credentials: { email: user.email, password: PASSWORD } })).outcome).toBe('signed-in');
  });
});

describe('POST /users/{id}/password-setup', () => {
  it('mails a user without a password a link that sets one, and they sign in with it', async () => {
    const invited = await createUser(gh(), key, realm.name, { password: undefined });
    expect((await api().post(users(`/${invited.id}/password-setup`)).set(bearer(key))).status).toBe(202);
    const mail = await smtp().waitFor(invited.email);
    const browser = new Browser(gh().url);
    const form = await browser.navigate(mail.links.find((l) => l.includes(`/realms/${realm.name}/password/set?token=`))!);
    expect(form.status).toBe(200);
    const done = await browser.submit(form, '/password/set', { password: 'my own first passphrase', confirm: 'my own first passphrase' });
    expect(done.status).toBe(200);
    expect((await tryLogin(gh(), realm, { credentials: { email: invited.email, password: 'my own first passphrase' } })).outcome).toBe('signed-in');
    // Now they have a password: no second invitation.
    expectProblem(await api().post(users(`/${invited.id}/password-setup`)).set(bearer(key)), 409, 'password_exists');
  });

  it('is 409 password_exists or user_disabled for users it cannot help', async () => {
    const withPassword = await createUser(gh(), key, realm.name);
    expectProblem(await api().post(users(`/${withPassword.id}/password-setup`)).set(bearer(key)), 409, 'password_exists');
    const disabled = await createUser(gh(), key, realm.name, { password: undefined });
    await api().patch(users(`/${disabled.id}`)).set(bearer(key)).send({ disabled: true }).expect(200);
    expectProblem(await api().post(users(`/${disabled.id}/password-setup`)).set(bearer(key)), 409, 'user_disabled');
  });
});

describe('GET /users?email=&q=', () => {
  let searchRealm: ManagedRealm;
  const search = (query: Record<string, string | number>) => api().get(`/api/v1/realms/${searchRealm.name}/users`).query(query).set(bearer(key));
  const emails = (res: request.Response) => (res.body.data as { email: string }[]).map((u) => u.email).sort();

  beforeAll(async () => {
    searchRealm = await buildManagedRealm(gh(), key);
    const make = (email: string, name: string) => createUser(gh(), key, searchRealm.name, { email, name, password: undefined });
    await make('ann.lee@example.com', 'Ann Lee');
    await make('bob@example.com', 'Bob Annely');
    await make('carol@example.org', '100% Carol');
    await make('dan_d@example.org', 'Dan');
    await make('dand@example.org', 'Dand');
  });

  it('finds one exact email in any case, and nobody for a near miss', async () => {
    expect(emails(await search({ email: 'ANN.LEE@example.com' }))).toEqual(['ann.lee@example.com']);
    expect(emails(await search({ email: 'ann@example.com' }))).toEqual([]);
  });

  it('q matches part of an email or a name, case-insensitively; % and _ match only themselves', async () => {
    expect(emails(await search({ q: 'ANN' }))).toEqual(['ann.lee@example.com', 'bob@example.com']);
    expect(emails(await search({ q: 'example.org' }))).toEqual(['carol@example.org', 'dan_d@example.org', 'dand@example.org']);
    expect(emails(await search({ q: '%' }))).toEqual(['carol@example.org']);
    expect(emails(await search({ q: 'dan_d' }))).toEqual(['dan_d@example.org']);
    expect(emails(await search({ q: '\\' }))).toEqual([]);
  });

  it('pages through search results with limit and nextCursor', async () => {
    const first = await search({ q: 'example', limit: 2 });
    expect(first.body.data).toHaveLength(2);
    const second = await search({ q: 'example', limit: 2, cursor: first.body.nextCursor as string });
    const third = await search({ q: 'example', limit: 2, cursor: second.body.nextCursor as string });
    expect(third.body).not.toHaveProperty('nextCursor');
    const all = [...first.body.data, ...second.body.data, ...third.body.data].map((u: { email: string }) => u.email);
    expect(new Set(all).size).toBe(5);
  });
});
