// The mfa prompt through the hosted pages: enrollment during a required sign-in (QR code, key,
// one code, 10 recovery codes shown once), sign-in with TOTP (codes from oathtool), a replayed
// code refused, recovery codes single use, 5 wrong codes end the sign-in, amr/acr in the ID
// token checked by openid-client.
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { useGatehouse } from '../support/gatehouse.js';
import { asksForCode, codesOn, enrolled, MFA_ACR, mfaRealm, newUser, passwordSignIn, secretOn, textOf, totpAt } from './mfa-support.js';

const gh = useGatehouse();

describe('mfa sign-in', () => {
  it('enrolls TOTP during a required sign-in, shows 10 recovery codes once, and the ID token says pwd+otp+mfa', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await newUser(gh(), r);
    const { browser, page, finish } = await passwordSignIn(gh(), r, user);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('Set up two-step verification');
    expect(page.html).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code/);
    const secret = secretOn(page.html)!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // Stored sealed, not as the key shown.
    const row = await gh().prisma.totpCredential.findFirstOrThrow({ where: { realmId: r.realm.id, userId: user.id } });
    expect(row.secret).not.toContain(secret);
    expect(row.confirmedAt).toBeNull();

    const wrong = await browser.submit(page, '/mfa/enroll', { code: totpAt(secret, 300) });
    expect(wrong.status).toBe(400);
    expect(textOf(wrong.html)).toContain('That code is not right');
    expect(secretOn(wrong.html)).toBe(secret);

    const codesPage = await browser.submit(wrong, '/mfa/enroll', { code: totpAt(secret) });
    expect(codesPage.status).toBe(200);
    const codes = codesOn(codesPage.html);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    // Shown once: reloading the step shows no codes.
    const again = await browser.navigate(codesPage.url.replace(/\/mfa\/enroll$/, ''));
    expect(codesOn(again.html)).toHaveLength(0);
    expect(textOf(again.html)).toContain('shown once');
    const stored = await gh().prisma.recoveryCode.findMany({ where: { realmId: r.realm.id, userId: user.id } });
    expect(stored).toHaveLength(10);
    for (const c of codes) expect(JSON.stringify(stored)).not.toContain(c.replace('-', ''));

    const tokens = await finish(await browser.submit(again, '/mfa/continue'));
    const claims = tokens.claims()!;
    expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    expect(claims.acr).toBe(MFA_ACR);
    const audit = await gh().prisma.auditEvent.findMany({ where: { realmId: r.realm.id, action: { startsWith: 'mfa.' } } });
    expect(audit.map((a) => a.action).sort()).toEqual(['mfa.enrolled', 'mfa.failure']);
  });

  it('signs in with a TOTP code; the same code (same time step) is refused the second time', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await enrolled(gh(), r);
    const first = await passwordSignIn(gh(), r, user);
    expect(asksForCode(first.page.html)).toBe(true);
    expect(textOf(first.page.html)).toContain('Two-step verification');
    const code = totpAt(user.secret);
    const tokens = await first.finish(await first.browser.submit(first.page, '/mfa/totp', { code }));
    expect(tokens.claims()).toMatchObject({ amr: expect.arrayContaining(['pwd', 'otp', 'mfa']), acr: MFA_ACR });

    const second = await passwordSignIn(gh(), r, user);
    const replay = await second.browser.submit(second.page, '/mfa/totp', { code });
    expect(replay.status).toBe(400);
    expect(textOf(replay.html)).toContain('That code is not right');
    // An older step than the last used one is refused too.
    expect((await second.browser.submit(replay, '/mfa/totp', { code: totpAt(user.secret, -30) })).status).toBe(400);
    const next = await second.browser.submit(replay, '/mfa/totp', { code: totpAt(user.secret, 30) });
    expect((await second.finish(next)).claims()!.acr).toBe(MFA_ACR);
  });

  it('a recovery code works once', async () => {
    const r = await mfaRealm(gh(), 'optional');
    const user = await enrolled(gh(), r);
    const first = await passwordSignIn(gh(), r, user);
    const code = user.codes[3]!;
    // Typed in capitals and without the dash: still the code.
    const tokens = await first.finish(await first.browser.submit(first.page, '/mfa/recovery_code', { code: code.toUpperCase().replace('-', '') }));
    expect(tokens.claims()!.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));

    const second = await passwordSignIn(gh(), r, user);
    const reused = await second.browser.submit(second.page, '/mfa/recovery_code', { code });
    expect(reused.status).toBe(400);
    expect(textOf(reused.html)).toContain('That code is not right');
    expect(await gh().prisma.recoveryCode.count({ where: { realmId: r.realm.id, userId: user.id, usedAt: null } })).toBe(9);
  });

  it('5 wrong codes end the sign-in: the app gets access_denied, and a right code no longer helps', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await enrolled(gh(), r);
    const { browser, page } = await passwordSignIn(gh(), r, user);
    let current = page;
    for (let i = 1; i <= 4; i++) {
      current = await browser.submit(current, '/mfa/totp', { code: '000000' });
      expect(current.status).toBe(400);
    }
    const fifth = await browser.submit(current, '/mfa/totp', { code: '000000' });
    expect(fifth.status).toBe(429);
    expect(textOf(fifth.html)).toContain('Too many wrong codes');
    const back = /href="([^"]+)">Back to the application/.exec(fifth.html)![1]!.replace(/&amp;/g, '&');
    // The page of the sign-in now says the same, and a right code is not accepted.
    const uid = /\/interaction\/([^/"]+)/.exec(current.url)![1]!;
    const stale = await browser.navigate(`${gh().url}/realms/${r.realm.name}/interaction/${uid}`);
    expect(stale.status).toBe(429);
    const left = await browser.navigate(new URL(back, gh().url).href);
    expect(new URL(left.leftTo!).searchParams.get('error')).toBe('access_denied');
    const audit = await gh().prisma.auditEvent.count({ where: { realmId: r.realm.id, action: 'mfa.sign_in_ended' } });
    expect(audit).toBe(1);
  });

  it('bad input is a 4xx page, never a 500', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await enrolled(gh(), r);
    const { browser, page } = await passwordSignIn(gh(), r, user);
    // Four: the fifth wrong code would end the sign-in.
    for (const code of ['abcdef', '1'.repeat(500), '12345', '１２３４５６']) {
      const answer = await browser.submit(page, '/mfa/totp', { code });
      expect(answer.status).toBe(400);
    }
    // A form of another step, a missing CSRF token: refused, not crashed.
    const uid = /\/interaction\/([^/"]+)/.exec(page.url)![1]!;
    const noCsrf = await new Browser(gh().url).request(`${gh().url}/realms/${r.realm.name}/interaction/${uid}/mfa/totp`, { form: { code: '123456' } });
    expect(noCsrf.status).toBeGreaterThanOrEqual(400);
    expect(noCsrf.status).toBeLessThan(500);
  });
});
