// The direct API's mailed flows: magic links for an app (the link lands on the hosted confirm
// page, which redirects to the app's registered redirect URI with a single-use code the backend
// exchanges for tokens), password resets and verification resends. Every request answers the
// same for unknown addresses. The hosted page is the "pages" helper's: here its service calls
// (consume, redirectForApp) stand in for the browser's POST.
import { beforeAll, describe, expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { oidc } from '../support/relying-party.js';
import { expectProblem } from './support.js';
import { buildDirectRealm, lastMail, newEmail, post, REDIRECT, signUp, type DirectRealm, type Tokens } from './direct-auth-support.js';

const gh = useGatehouse();
let r: DirectRealm;
let user: { id: string; email: string };

beforeAll(async () => {
  r = await buildDirectRealm(gh());
  ({ user } = await signUp(gh(), r));
});

/** What the hosted confirm page does with a mailed app link: the URL the browser is sent to. */
async function confirmLink(realm: DirectRealm, link: string) {
  const token = new URL(link).searchParams.get('token') ?? '';
  const services = gh().services.forRealm(realm.realm);
  const used = await services.magicLinks.consume(token, { actor: 'anonymous' });
  if (!used || used.target.kind !== 'app') return undefined;
  return new URL(await services.magicLinks.redirectForApp(used.user, used.target));
}

async function requestLink(realm: DirectRealm, email: string, state?: string) {
  const res = await post(gh(), realm, '/auth/magic-links', { clientId: realm.app.clientId, email, redirectUri: REDIRECT, ...(state ? { state } : {}) });
  expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 202, body: { status: 'accepted' } });
  const mail = await lastMail(gh(), email);
  expect(mail?.template).toBe('magic-link');
  return mail!.data.link!;
}

describe('magic links for an app', () => {
  it('link → confirm → redirect with code and state → exchange: the realm\'s tokens, once', async () => {
    const link = await requestLink(r, user.email, 'xyz-state');
    expect(link.startsWith(`${gh().config.baseUrl}/realms/${r.realm.name}/magic-link?token=`)).toBe(true);
    const landed = await confirmLink(r, link);
    expect(`${landed!.origin}${landed!.pathname}`).toBe(REDIRECT);
    expect(landed!.searchParams.get('state')).toBe('xyz-state');
    const code = landed!.searchParams.get('code')!;

    const res = await post(gh(), r, '/auth/magic-links/exchange', { clientId: r.app.clientId, code });
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
    const code = (await confirmLink(r, await requestLink(r, user.email)))!.searchParams.get('code')!;
    expectProblem(await post(gh(), r, '/auth/magic-links/exchange', { clientId: sibling.clientId, code }), 400, 'invalid_code');
    expectProblem(await post(gh(), other, '/auth/magic-links/exchange', { clientId: other.app.clientId, code }), 400, 'invalid_code');
    // Still good for its own app: the refusals above used nothing.
    expect((await post(gh(), r, '/auth/magic-links/exchange', { clientId: r.app.clientId, code })).status).toBe(200);
    // A link of realm A does nothing in realm B.
    const link = await requestLink(r, user.email);
    expect(await confirmLink(other, link)).toBeUndefined();
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
    expect(await lastMail(gh(), email)).toBeUndefined();
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
    const answers = await Promise.all([post(gh(), r, '/auth/password-resets', { email: user.email }), post(gh(), r, '/auth/password-resets', { email: unknown })]);
    expect(answers.map((a) => ({ status: a.status, body: a.body as unknown }))).toEqual([{ status: 202, body: { status: 'accepted' } }, { status: 202, body: { status: 'accepted' } }]);
    expect((await lastMail(gh(), user.email))?.template).toBe('reset-password');
    expect(await lastMail(gh(), unknown)).toBeUndefined();
  });
});

describe('email verification resend', () => {
  it('202 and a new verify-email mail for an unverified user; 409 once verified; 404 for no such user', async () => {
    const { user: fresh } = await signUp(gh(), r);
    const before = await gh().prisma.mailMessage.count({ where: { to: fresh.email, template: 'verify-email' } });
    const res = await post(gh(), r, `/users/${fresh.id}/email-verifications`);
    expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 202, body: { status: 'accepted' } });
    expect(await gh().prisma.mailMessage.count({ where: { to: fresh.email, template: 'verify-email' } })).toBe(before + 1);

    await gh().prisma.user.update({ where: { realmId_id: { realmId: r.realm.id, id: fresh.id } }, data: { emailVerified: true } });
    expectProblem(await post(gh(), r, `/users/${fresh.id}/email-verifications`), 409, 'email_already_verified');
    expectProblem(await post(gh(), r, '/users/00000000-0000-4000-8000-000000000000/email-verifications'), 404, 'not_found');
    expectProblem(await post(gh(), r, '/users/not-a-uuid/email-verifications'), 404, 'not_found');
  });
});
