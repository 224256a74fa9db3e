// Passkey sign-in through HTTP with a software authenticator (node:crypto P-256): usernameless
// first factor and second factor, checked in the ID token by openid-client; then every way a
// response can be wrong: malformed, another challenge, replayed, the wrong origin, no user
// verification, a cloned counter (refused and audited), another realm's credential.
import { describe, expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { buildUser } from '../support/builders.js';
import { mfaRealm, passwordSignIn, MFA_ACR } from '../mfa/mfa-support.js';
import { claimsOf, passkeyBox, postJson, startSignIn, withPasskey } from './passkeys-support.js';

const gh = useGatehouse();

async function loginBox(r: Awaited<ReturnType<typeof mfaRealm>>) {
  const flow = await startSignIn(gh(), r);
  expect(flow.page.html).toContain('autocomplete="username webauthn"');
  return { ...flow, box: passkeyBox(flow.page, 'passkey-sign-in') };
}

describe('passkey as the only factor (usernameless)', () => {
  it('signs in without an email: amr hwk, user, mfa and the MFA acr; the mfa prompt is satisfied', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await buildUser(gh(), r.realm);
    const { authenticator, passkey } = await withPasskey(gh(), r, user);
    const { browser, box, finish } = await loginBox(r);
    const options = await postJson(browser, box.optionsUrl, box.csrf);
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({ rpId: '127.0.0.1', userVerification: 'required', allowCredentials: [] });
    const answered = await postJson(browser, box.verifyUrl, box.csrf, { credential: authenticator.assert({ challenge: options.body.challenge! }) });
    expect(answered.status).toBe(200);
    const tokens = await finish(answered.body.redirect!);
    const claims = claimsOf(tokens);
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(['hwk', 'user', 'mfa']);
    expect(claims.acr).toBe(MFA_ACR);
    const stored = await gh().prisma.passkeyCredential.findUniqueOrThrow({ where: { id: passkey.id } });
    expect(stored.counter).toBe(1n);
    expect(stored.lastUsedAt).not.toBeNull();
    expect(await gh().prisma.auditEvent.count({ where: { realmId: r.realm.id, action: 'login.success', target: `user:${user.id}` } })).toBe(1);
  });

  it('a synced passkey is swk', async () => {
    const r = await mfaRealm(gh(), 'off');
    const user = await buildUser(gh(), r.realm);
    const { authenticator } = await withPasskey(gh(), r, user, { synced: true, noCounter: true });
    const { browser, box, finish } = await loginBox(r);
    const options = await postJson(browser, box.optionsUrl, box.csrf);
    const answered = await postJson(browser, box.verifyUrl, box.csrf, { credential: authenticator.assert({ challenge: options.body.challenge! }) });
    expect(claimsOf(await finish(answered.body.redirect!)).amr).toEqual(['swk', 'user', 'mfa']);
  });

  it('refuses malformed bodies, other challenges, replays, other origins and missing user verification with 4xx codes', async () => {
    const r = await mfaRealm(gh(), 'off');
    const user = await buildUser(gh(), r.realm);
    const { authenticator } = await withPasskey(gh(), r, user);
    const { browser, box } = await loginBox(r);
    const ask = async () => (await postJson(browser, box.optionsUrl, box.csrf)).body.challenge!;
    const post = (credential: unknown) => postJson(browser, box.verifyUrl, box.csrf, { credential });

    const notJson = await postJson(browser, box.verifyUrl, box.csrf, undefined, '{"_csrf": ');
    expect([notJson.status, notJson.body.code]).toEqual([400, 'response_malformed']);
    await ask();
    for (const bad of [undefined, 'x', { id: 'not base64!', rawId: 'x', type: 'public-key', response: {} }, { ...authenticator.assert({ challenge: 'AAAA' }), rawId: 'AAAA' }]) {
      const res = await post(bad);
      expect([res.status, res.body.code, res.type]).toEqual([400, 'response_malformed', expect.stringContaining('application/problem+json')]);
    }

    await ask();
    const other = await post(authenticator.assert({ challenge: Buffer.from('a challenge we never made').toString('base64url') }));
    expect([other.status, other.body.code]).toEqual([400, 'challenge_invalid']);
    expect(other.body.detail).toBe('This passkey request has expired or was already used. Try again.');

    // One challenge, one verification: a tampered answer uses it up, the real one after it is refused.
    let challenge = await ask();
    const tampered = authenticator.assert({ challenge });
    tampered.response.signature = Buffer.alloc(70, 1).toString('base64url');
    expect((await post(tampered)).body.code).toBe('verification_failed');
    expect((await post(authenticator.assert({ challenge }))).body.code).toBe('challenge_invalid');

    challenge = await ask();
    const phished = await post(authenticator.assert({ challenge }, { origin: 'https://gatehouse.example.evil' }));
    expect([phished.status, phished.body.code]).toEqual([400, 'verification_failed']);

    const noUv = await withPasskey(gh(), r, await buildUser(gh(), r.realm), { userVerified: false });
    challenge = await ask();
    const unverified = await post(noUv.authenticator.assert({ challenge }));
    expect([unverified.status, unverified.body.code]).toEqual([400, 'user_verification_required']);

    // The same response again after a success: this sign-in step is spent (its CSRF cookie is gone).
    challenge = await ask();
    const good = authenticator.assert({ challenge });
    expect((await post(good)).status).toBe(200);
    const replayed = await post(good);
    expect(replayed.status).toBe(403);
  });

  it('refuses a cloned passkey (counter not moving forward) and audits it', async () => {
    const r = await mfaRealm(gh(), 'off');
    const user = await buildUser(gh(), r.realm);
    const { authenticator, passkey } = await withPasskey(gh(), r, user);
    const first = await loginBox(r);
    const options = await postJson(first.browser, first.box.optionsUrl, first.box.csrf);
    expect((await postJson(first.browser, first.box.verifyUrl, first.box.csrf, { credential: authenticator.assert({ challenge: options.body.challenge! }, { counter: 7 }) })).status).toBe(200);

    const second = await loginBox(r);
    const again = await postJson(second.browser, second.box.optionsUrl, second.box.csrf);
    const cloned = await postJson(second.browser, second.box.verifyUrl, second.box.csrf, { credential: authenticator.assert({ challenge: again.body.challenge! }, { counter: 7 }) });
    expect([cloned.status, cloned.body.code]).toEqual([403, 'passkey_cloned']);
    const audit = await gh().prisma.auditEvent.findFirstOrThrow({ where: { realmId: r.realm.id, action: 'passkey.clone_suspected' } });
    expect(audit.target).toBe(`user:${user.id}`);
    expect(audit.data).toMatchObject({ passkeyId: passkey.id, storedCounter: 7, receivedCounter: 7 });
  });

  it("realm B refuses realm A's passkey under the same RP ID", async () => {
    const a = await mfaRealm(gh(), 'off');
    const b = await mfaRealm(gh(), 'off');
    const user = await buildUser(gh(), a.realm);
    await buildUser(gh(), b.realm, { email: user.email });
    const { authenticator } = await withPasskey(gh(), a, user);
    const { browser, box } = await loginBox(b);
    const options = await postJson(browser, box.optionsUrl, box.csrf);
    const refused = await postJson(browser, box.verifyUrl, box.csrf, { credential: authenticator.assert({ challenge: options.body.challenge! }) });
    expect([refused.status, refused.body.code]).toEqual([400, 'passkey_unknown']);
    // Nor does realm A's challenge open in realm B: a challenge is looked up under its realm.
    const inA = await loginBox(a);
    const aOptions = await postJson(inA.browser, inA.box.optionsUrl, inA.box.csrf);
    const crossed = await postJson(browser, box.verifyUrl, box.csrf, { credential: authenticator.assert({ challenge: aOptions.body.challenge! }) });
    expect(crossed.body.code).toBe('challenge_invalid');
  });
});

describe('passkey as the second factor', () => {
  it('after the password, "Use a passkey" finishes the mfa prompt: amr pwd, hwk, user, mfa', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await buildUser(gh(), r.realm);
    const mine = await withPasskey(gh(), r, user);
    const stranger = await withPasskey(gh(), r, await buildUser(gh(), r.realm));
    const { browser, page, finish } = await passwordSignIn(gh(), r, user);
    expect(page.html).toContain('Use a passkey');
    const box = passkeyBox(page, 'passkey-mfa');
    let options = await postJson(browser, box.optionsUrl, box.csrf);
    expect(options.body.allowCredentials).toEqual([{ id: mine.authenticator.id, type: 'public-key', transports: ['internal'] }]);
    const foreign = await postJson(browser, box.verifyUrl, box.csrf, { credential: stranger.authenticator.assert({ challenge: options.body.challenge! }) });
    expect([foreign.status, foreign.body.code]).toEqual([400, 'passkey_unknown']);
    options = await postJson(browser, box.optionsUrl, box.csrf);
    const answered = await postJson(browser, box.verifyUrl, box.csrf, { credential: mine.authenticator.assert({ challenge: options.body.challenge! }) });
    expect(answered.status).toBe(200);
    const claims = claimsOf(await finish(await browser.navigate(new URL(answered.body.redirect!, gh().url).href)));
    expect(claims.amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
    expect(claims.acr).toBe(MFA_ACR);
    const events = await gh().prisma.auditEvent.findMany({ where: { realmId: r.realm.id, target: `user:${user.id}`, action: { in: ['mfa.failure', 'mfa.success'] } }, orderBy: { createdAt: 'asc' } });
    expect(events.map((e) => [e.action, (e.data as { method?: string }).method])).toEqual([['mfa.failure', 'passkey'], ['mfa.success', 'passkey']]);
  });
});
