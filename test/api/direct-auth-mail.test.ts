// The direct API's mailed flows, with the mail read from a real SMTP server: magic links for an
// app (the mailed link lands on the hosted confirm page, whose button redirects to the app's
// registered redirect URI with a single-use code the backend exchanges for tokens), password
// resets and verification resends. Every request answers the same for unknown addresses.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { oidc } from '../support/relying-party.js';
import { useGatehouseWithSmtp } from '../support/smtp.js';
import { expectProblem } from './support.js';
import { expectConforms } from '../support/openapi-conformance.js';
import { buildDirectRealm, newEmail, post, REDIRECT, signUp, type DirectRealm, type Tokens } from './direct-auth-support.js';

const { gh, smtp } = useGatehouseWithSmtp();
let r: DirectRealm;
/** A user of its own for each test: the per-address mail limit counts every mail to an address. */
let user: { id: string; email: string };

beforeAll(async () => {
  r = await buildDirectRealm(gh());
});
beforeEach(async () => {
  ({ user } = await signUp(gh(), r));
});

const linkIn = (text: string, page: string) => new RegExp(`https?://\\S+/${page}\\?token=[^\\s]+`).exec(text)?.[0];

/** The user's browser: opens the mailed link, presses the confirm button; where it is sent (undefined: not sent anywhere). */
async function confirmLink(link: string) {
  const browser = new Browser(gh().url);
  const confirm = await browser.navigate(link);
  if (confirm.status !== 200) return undefined;
  const back = await browser.submit(confirm, '/magic-link');
  return back.leftTo ? new URL(back.leftTo) : undefined;
}

/** The links to `page` in the mail `email` received so far, oldest first. */
const linksTo = (email: string, page: string) => smtp().to(email).flatMap((m) => linkIn(m.text, page) ?? []);

/** Asks for a link through the API; the link from the mail that arrives. */
async function requestLink(realm: DirectRealm, email: string, state?: string) {
  const before = linksTo(email, 'magic-link').length;
  const res = await post(gh(), realm, '/auth/magic-links', { clientId: realm.app.clientId, email, redirectUri: REDIRECT, ...(state ? { state } : {}) });
  expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 202, body: { status: 'accepted' } });
  await smtp().waitFor(email, () => linksTo(email, 'magic-link').length > before);
  return linksTo(email, 'magic-link').at(-1)!;
}

describe('magic links for an app', () => {
  it('link → confirm → redirect with code and state → exchange: the realm\'s tokens, once', async () => {
    const link = await requestLink(r, user.email, 'xyz-state');
    expect(link.startsWith(`${gh().config.baseUrl}/realms/${r.realm.name}/magic-link?token=`)).toBe(true);
    const landed = await confirmLink(link);
    expect(`${landed!.origin}${landed!.pathname}`).toBe(REDIRECT);
    expect(landed!.searchParams.get('state')).toBe('xyz-state');
    const code = landed!.searchParams.get('code')!;

    const res = expectConforms(await post(gh(), r, '/auth/magic-links/exchange', { clientId: r.app.clientId, code }));
    expect(res.status).toBe(200);
    const tokens = res.body as Tokens;
    expect(await oidc.fetchUserInfo(r.client, tokens.access_token, user.id)).toMatchObject({ sub: user.id, email_verified: true });
    expect((await oidc.refreshTokenGrant(r.client, tokens.refresh_token!)).access_token).toBeTruthy();
    // Single use.
    expectProblem(await post(gh(), r, '/auth/magic-links/exchange', { clientId: r.app.clientId, code }), 400, 'invalid_code');
  });

  it('a code is only good for the app it was issued to, in its realm', async () => {
    const other = await buildDirectRealm(gh());
    const { app: sibling } = await gh().services.forRealm(r.realm).apps.create({ name: 'Sibling', type: 'web', redirectUris: [REDIRECT], firstParty: true, directAuth: true }, { actor: 'test' });
    const code = (await confirmLink(await requestLink(r, user.email)))!.searchParams.get('code')!;
    expectProblem(await post(gh(), r, '/auth/magic-links/exchange', { clientId: sibling.clientId, code }), 400, 'invalid_code');
    expectProblem(await post(gh(), other, '/auth/magic-links/exchange', { clientId: other.app.clientId, code }), 400, 'invalid_code');
    // Still good for its own app: the refusals above used nothing.
    expect((await post(gh(), r, '/auth/magic-links/exchange', { clientId: r.app.clientId, code })).status).toBe(200);
    // A link of realm A does nothing in realm B.
    const link = new URL(await requestLink(r, user.email));
    link.pathname = link.pathname.replace(`/realms/${r.realm.name}/`, `/realms/${other.realm.name}/`);
    expect(await confirmLink(link.href)).toBeUndefined();
  });

  it('an unregistered redirectUri is refused at the request: 400 invalid_redirect_uri', async () => {
    for (const redirectUri of ['http://localhost:8080/cb/', 'http://localhost:8080/cb?x=1', 'https://evil.example.com/cb']) {
      expectProblem(await post(gh(), r, '/auth/magic-links', { clientId: r.app.clientId, email: user.email, redirectUri }), 400, 'invalid_redirect_uri');
    }
  });

  it('an unknown address gets the same 202 and no mail', async () => {
    const email = newEmail();
    const res = await post(gh(), r, '/auth/magic-links', { clientId: r.app.clientId, email, redirectUri: REDIRECT });
    expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 202, body: { status: 'accepted' } });
    // The known user's link (asked for after) arrives; nothing ever arrived for the unknown address.
    await requestLink(r, user.email);
    expect(smtp().to(email)).toEqual([]);
  });

  it('refuses bad codes and apps without directAuth', async () => {
    expectProblem(await post(gh(), r, '/auth/magic-links/exchange', { clientId: r.app.clientId, code: 'not-a-code' }), 400, 'invalid_code');
    const { app } = await gh().services.forRealm(r.realm).apps.create({ name: 'Plain', type: 'web', redirectUris: [REDIRECT], firstParty: true }, { actor: 'test' });
    expectProblem(await post(gh(), r, '/auth/magic-links', { clientId: app.clientId, email: user.email, redirectUri: REDIRECT }), 403, 'direct_auth_disabled');
    expectProblem(await post(gh(), r, '/auth/magic-links/exchange', { clientId: app.clientId, code: 'x' }), 403, 'direct_auth_disabled');
  });
});

describe('password resets', () => {
  it('202 for a known and an unknown address alike; a mail only for the account', async () => {
    const unknown = newEmail();
    const answers = await Promise.all([post(gh(), r, '/auth/password-resets', { email: unknown }), post(gh(), r, '/auth/password-resets', { email: user.email })]);
    expect(answers.map((a) => ({ status: a.status, body: a.body as unknown }))).toEqual([{ status: 202, body: { status: 'accepted' } }, { status: 202, body: { status: 'accepted' } }]);
    await smtp().waitFor(user.email, () => linksTo(user.email, 'password/reset').length > 0);
    expect(linksTo(user.email, 'password/reset')[0]!.startsWith(`${gh().config.baseUrl}/realms/${r.realm.name}/password/reset?token=`)).toBe(true);
    expect(smtp().to(unknown)).toEqual([]);
  });
});

describe('email verification resend', () => {
  it('202 and a new verify-email mail for an unverified user; 409 once verified; 404 for no such user', async () => {
    const fresh = user;
    await smtp().waitFor(fresh.email, () => linksTo(fresh.email, 'email/verify').length === 1);
    const res = await post(gh(), r, `/users/${fresh.id}/email-verifications`);
    expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 202, body: { status: 'accepted' } });
    // The sign-up's verification mail, then the resent one; the latter's link verifies the address.
    await smtp().waitFor(fresh.email, () => linksTo(fresh.email, 'email/verify').length === 2);
    const link = linksTo(fresh.email, 'email/verify')[1]!;
    const verified = await gh().services.forRealm(r.realm).emailVerification.verifyToken(new URL(link).searchParams.get('token')!, { actor: 'test' });
    expect(verified.ok).toBe(true);

    expectProblem(await post(gh(), r, `/users/${fresh.id}/email-verifications`), 409, 'email_already_verified');
    expectProblem(await post(gh(), r, '/users/00000000-0000-4000-8000-000000000000/email-verifications'), 404, 'not_found');
    expectProblem(await post(gh(), r, '/users/not-a-uuid/email-verifications'), 404, 'not_found');
  });
});
