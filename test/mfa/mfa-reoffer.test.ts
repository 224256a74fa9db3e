// A user left with only recovery codes (TOTP removed) who signs in with one is offered TOTP
// enrollment again: "Not now" under an optional policy; a required policy does not let the
// sign-in finish until TOTP is set up.
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from '../support/browser.js';
import { formOn } from '../support/browser.js';
import { useGatehouse } from '../support/gatehouse.js';
import { codesOn, enrolled, mfaRealm, passwordSignIn, secretOn, textOf, totpAt, type MfaRealm } from './mfa-support.js';

const gh = useGatehouse();

/** An enrolled user whose TOTP was removed by an administrator: recovery codes only. */
async function recoveryOnly(r: MfaRealm) {
  const user = await enrolled(gh(), r);
  expect(await gh().services.forRealm(r.realm).mfa.remove(user.id, 'totp', { actor: 'test' })).toBe(true);
  return user;
}

async function signInWithRecoveryCode(r: MfaRealm, user: Awaited<ReturnType<typeof recoveryOnly>>, index = 0) {
  const { browser, page, finish } = await passwordSignIn(gh(), r, user);
  expect(page.html).not.toContain('/mfa/totp"');
  const offer = await browser.submit(page, '/mfa/recovery_code', { code: user.codes[index]! });
  return { browser, offer, finish };
}

const totpConfirmed = async (r: MfaRealm, userId: string) =>
  Boolean((await gh().prisma.totpCredential.findFirst({ where: { realmId: r.realm.id, userId } }))?.confirmedAt);

async function enrollOn(browser: Browser, page: Page) {
  const codesPage = await browser.submit(page, '/mfa/enroll', { code: totpAt(secretOn(page.html)!) });
  expect(codesOn(codesPage.html)).toHaveLength(10);
  return browser.submit(codesPage, '/mfa/continue');
}

describe('recovery codes only', () => {
  it('optional policy: TOTP is offered after the recovery code; "Not now" finishes the sign-in', async () => {
    const r = await mfaRealm(gh(), 'optional');
    const user = await recoveryOnly(r);
    const { offer, browser, finish } = await signInWithRecoveryCode(r, user);
    expect(offer.status).toBe(200);
    expect(textOf(offer.html)).toContain('You signed in with a recovery code');
    expect(secretOn(offer.html)).toMatch(/^[A-Z2-7]{32}$/);
    const tokens = await finish(await browser.submit(offer, '/mfa/continue'));
    expect(tokens.claims()!.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    expect(await totpConfirmed(r, user.id)).toBe(false);

    // Set up this time: TOTP is active, a new set of recovery codes replaces the old ones.
    const second = await signInWithRecoveryCode(r, user, 1);
    const tokens2 = await second.finish(await enrollOn(second.browser, second.offer));
    expect(tokens2.claims()!.amr).toContain('mfa');
    expect(await totpConfirmed(r, user.id)).toBe(true);
    expect(await gh().prisma.recoveryCode.count({ where: { realmId: r.realm.id, userId: user.id, usedAt: null } })).toBe(10);
    // Next time TOTP is asked for again.
    expect((await passwordSignIn(gh(), r, user)).page.html).toContain('/mfa/totp"');
  });

  it('required policy: no "Not now", and continuing without TOTP is refused', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await recoveryOnly(r);
    const { offer, browser, finish } = await signInWithRecoveryCode(r, user);
    expect(textOf(offer.html)).toContain('You signed in with a recovery code');
    expect(offer.html).not.toContain('Not now');
    // A forged "continue" (the form's CSRF token, the codes page's action) goes back to the offer.
    const action = formOn(offer.html, '/mfa/enroll').action.replace(/\/mfa\/enroll$/, '/mfa/continue');
    const forged = await browser.navigate(new URL(action, offer.url).href, { form: formOn(offer.html, '/mfa/enroll').fields });
    expect(forged.leftTo).toBeUndefined();
    expect(textOf(forged.html)).toContain('Set up two-step verification');
    const tokens = await finish(await enrollOn(browser, forged));
    expect(tokens.claims()!.amr).toContain('mfa');
    expect(await totpConfirmed(r, user.id)).toBe(true);
  });

  it('a user who still has TOTP is not offered it after a recovery code', async () => {
    const r = await mfaRealm(gh(), 'optional');
    const user = await enrolled(gh(), r);
    const { browser, page, finish } = await passwordSignIn(gh(), r, user);
    const done = await browser.submit(page, '/mfa/recovery_code', { code: user.codes[0]! });
    expect(textOf(done.html)).not.toContain('Set up two-step verification');
    expect((await finish(done)).claims()!.amr).toContain('mfa');
  });
});
