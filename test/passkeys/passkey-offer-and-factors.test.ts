// The passkey offer after a password sign-in (only for a browser that said it can make one),
// "Not now", "Don't ask again" (remembered), adding one there; the 20-passkey limit; a
// challenge's 5 minutes; passkeys in the factors API (listed, removed one by one, in reset MFA).
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bearer, buildRealmKey, expectProblem } from '../api/support.js';
import { buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { SoftwareAuthenticator } from '../support/software-authenticator.js';
import { mfaRealm, type MfaRealm } from '../mfa/mfa-support.js';
import { MAX_PASSKEYS } from '../../src/modules/passkeys/passkeys.service.js';
import { createPasskeyChallenges } from '../../src/modules/passkeys/passkey-challenges.js';
import { createMemoryArtifactStore } from '../../src/stores/memory-artifact-store.js';
import { createArtifactProtector } from '../../src/stores/artifact-protection.js';
import { claimsOf, passkeyBox, postJson, startSignIn, withPasskey } from './passkeys-support.js';

const gh = useGatehouse();

/** A password sign-in from a browser whose login script found a platform authenticator (or not). */
async function passwordFrom(r: MfaRealm, user: { email: string; password: string }, capable: boolean) {
  const flow = await startSignIn(gh(), r);
  const page = await flow.browser.submit(flow.page, '/login', { email: user.email, password: user.password, passkey_capable: capable ? '1' : '' });
  return { ...flow, page };
}

const offered = (html: string) => html.includes('Sign in faster with a passkey');

describe('the passkey offer after a password sign-in', () => {
  it('is shown to a capable browser only; "Not now" goes on and asks again next time; "Don\'t ask again" is remembered', async () => {
    const r = await mfaRealm(gh(), 'off');
    const user = await buildUser(gh(), r.realm);
    expect(offered((await passwordFrom(r, user, false)).page.html)).toBe(false);

    const first = await passwordFrom(r, user, true);
    expect(offered(first.page.html)).toBe(true);
    expect(first.page.headers.get('content-security-policy')).toContain("script-src 'self'");
    let next = await first.browser.submit(first.page, '/passkey-offer/skip');
    if (next.html.includes('/consent"')) next = await first.browser.submit(next, '/consent');
    expect(next.leftTo).toContain('code=');

    const second = await passwordFrom(r, user, true);
    expect(offered(second.page.html)).toBe(true);
    const dismissed = await second.browser.submit(second.page, '/passkey-offer/dismiss');
    expect(offered(dismissed.html)).toBe(false);
    expect(await gh().prisma.auditEvent.count({ where: { realmId: r.realm.id, action: 'passkey.offer_dismissed', target: `user:${user.id}` } })).toBe(1);
    expect(offered((await passwordFrom(r, user, true)).page.html)).toBe(false);
  });

  it('"Add a passkey" registers one and the sign-in goes on; it is not offered again', async () => {
    const r = await mfaRealm(gh(), 'off');
    const user = await buildUser(gh(), r.realm);
    const { browser, page, finish } = await passwordFrom(r, user, true);
    const box = passkeyBox(page, 'passkey-register');
    const options = await postJson(browser, box.optionsUrl, box.csrf);
    expect(options.body).toMatchObject({ rp: { id: '127.0.0.1' }, attestation: 'none', authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' } });
    const authenticator = new SoftwareAuthenticator({ origin: gh().url });
    const wrongOrigin = await postJson(browser, box.verifyUrl, box.csrf, { credential: authenticator.register(options.body as never, { origin: 'http://localhost:1' }) });
    expect([wrongOrigin.status, wrongOrigin.body.code]).toEqual([400, 'verification_failed']);
    const again = await postJson(browser, box.optionsUrl, box.csrf);
    const added = await postJson(browser, box.verifyUrl, box.csrf, { credential: authenticator.register(again.body as never), name: 'Work laptop' });
    expect(added.status).toBe(200);
    expect(claimsOf(await finish(added.body.redirect!)).amr).toEqual(['pwd']);
    const [stored] = await gh().prisma.passkeyCredential.findMany({ where: { realmId: r.realm.id, userId: user.id } });
    expect(stored).toMatchObject({ name: 'Work laptop', rpId: '127.0.0.1', deviceType: 'singleDevice', backedUp: false, transports: ['internal'] });
    expect(offered((await passwordFrom(r, user, true)).page.html)).toBe(false);
  });
});

describe('limits and lifetimes', () => {
  afterEach(() => vi.restoreAllMocks());

  it(`refuses a passkey beyond ${MAX_PASSKEYS} with 409 passkey_limit`, async () => {
    const r = await mfaRealm(gh(), 'off');
    const user = await buildUser(gh(), r.realm);
    for (let i = 0; i < MAX_PASSKEYS; i++) await withPasskey(gh(), r, user);
    const refused = await gh().services.passkeys.registrationOptions(r.scope, user, 'test:limit');
    expect(refused).toMatchObject({ ok: false, status: 409, code: 'passkey_limit' });
    expect(await gh().prisma.passkeyCredential.count({ where: { realmId: r.realm.id, userId: user.id } })).toBe(MAX_PASSKEYS);
  });

  it('a challenge lives 5 minutes, is taken once, and only under its own binding', async () => {
    const challenges = createPasskeyChallenges(createMemoryArtifactStore(), createArtifactProtector(Buffer.alloc(32, 7)));
    const binding = { realmId: 'a', purpose: 'login' as const, holder: 'interaction:1' };
    await challenges.save(binding, { challenge: 'c1', requireUserVerification: true });
    expect(await challenges.take({ ...binding, realmId: 'b' })).toBeUndefined();
    expect(await challenges.take({ ...binding, purpose: 'mfa' })).toBeUndefined();
    expect(await challenges.take(binding)).toMatchObject({ challenge: 'c1' });
    expect(await challenges.take(binding)).toBeUndefined();

    await challenges.save(binding, { challenge: 'c2', requireUserVerification: true });
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 301_000);
    try {
      expect(await challenges.take(binding)).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
  });
});

describe('passkeys in the factors API', () => {
  it('lists each passkey, removes one by id, then the rest by reset; audited; another id is a 404', async () => {
    const r = await mfaRealm(gh(), 'optional');
    const user = await buildUser(gh(), r.realm);
    const one = await withPasskey(gh(), r, user);
    const two = await withPasskey(gh(), r, user);
    const { key } = await buildRealmKey(gh(), r.realm);
    const base = `/api/v1/realms/${r.realm.name}/users/${user.id}/factors`;
    const listed = await request(gh().url).get(base).set(bearer(key));
    expect(listed.body.data).toEqual([
      { type: 'passkey', id: one.passkey.id, name: 'Passkey 1', createdAt: expect.any(String), lastUsedAt: null },
      { type: 'passkey', id: two.passkey.id, name: 'Passkey 2', createdAt: expect.any(String), lastUsedAt: null },
    ]);
    expectProblem(await request(gh().url).delete(`${base}/passkey/not-a-uuid`).set(bearer(key)), 404, 'not_found');
    expect((await request(gh().url).delete(`${base}/passkey/${one.passkey.id}`).set(bearer(key))).status).toBe(204);
    expectProblem(await request(gh().url).delete(`${base}/passkey/${one.passkey.id}`).set(bearer(key)), 404, 'not_found');
    expect((await request(gh().url).get(base).set(bearer(key))).body.data.map((f: { id: string }) => f.id)).toEqual([two.passkey.id]);

    // Realm B's key and user cannot reach realm A's passkey.
    const b = await mfaRealm(gh(), 'off');
    const other = await buildUser(gh(), b.realm);
    const { key: bKey } = await buildRealmKey(gh(), b.realm);
    expectProblem(await request(gh().url).delete(`/api/v1/realms/${b.realm.name}/users/${other.id}/factors/passkey/${two.passkey.id}`).set(bearer(bKey)), 404, 'not_found');

    expect((await request(gh().url).delete(base).set(bearer(key))).status).toBe(204);
    expect((await request(gh().url).get(base).set(bearer(key))).body.data).toEqual([]);
    const audit = await gh().prisma.auditEvent.findMany({ where: { realmId: r.realm.id, action: { in: ['mfa.factor_removed', 'mfa.reset'] } }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => [a.action, a.data])).toEqual([['mfa.factor_removed', { type: 'passkey', passkeyId: one.passkey.id }], ['mfa.reset', { removed: ['passkey'] }]]);
  });
});
