// When the mfa prompt is asked: the policy matrix (off / optional / required, per realm and per
// app), step-up with acr_values and max_age on an existing session, prompt=none, discovery, and
// a factor of realm A doing nothing in realm B.
import { describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { useGatehouse } from '../support/gatehouse.js';
import { asksForCode, enrolled, MFA_ACR, mfaRealm, newUser, passwordSignIn, textOf, totpAt } from './mfa-support.js';

const gh = useGatehouse();
type Policy = 'off' | 'optional' | 'required';

/** What a user sees after the password. */
const stepAfterPassword = (page: { html: string; leftTo?: string }) =>
  page.leftTo || page.html.includes('/consent"') ? 'none' : asksForCode(page.html) ? 'verify' : page.html.includes('/mfa/enroll"') ? 'enroll' : 'other';

describe('mfa policy', () => {
  const matrix: [Policy, Policy | null, boolean, 'none' | 'verify' | 'enroll'][] = [
    ['off', null, true, 'none'],
    ['optional', null, true, 'verify'],
    ['optional', null, false, 'none'],
    ['required', null, false, 'enroll'],
    ['required', null, true, 'verify'],
    ['required', 'off', true, 'none'],
    ['required', 'optional', false, 'none'],
    ['off', 'required', false, 'enroll'],
    ['off', 'optional', true, 'verify'],
  ];
  it.each(matrix)('realm %s, app %s, user enrolled %s: %s', async (realmPolicy, appPolicy, hasFactor, expected) => {
    const r = await mfaRealm(gh(), realmPolicy, appPolicy);
    const user = hasFactor ? await enrolled(gh(), r) : await newUser(gh(), r);
    const { page, finish } = await passwordSignIn(gh(), r, user);
    expect(stepAfterPassword(page)).toBe(expected);
    if (expected === 'none') {
      const claims = (await finish(page)).claims()!;
      expect(claims.amr).toEqual(['pwd']);
      expect(claims.acr).toBeUndefined();
    }
  });

  it('discovery lists the MFA acr value', async () => {
    const r = await mfaRealm(gh(), 'off');
    const res = await fetch(`${gh().url}/realms/${r.realm.name}/.well-known/openid-configuration`);
    expect((await res.json()).acr_values_supported).toEqual([MFA_ACR]);
  });

  it('step-up: acr_values asks for the second factor on a session that has none; the next request needs nothing', async () => {
    const r = await mfaRealm(gh(), 'off');
    const user = await enrolled(gh(), r);
    const browser = new Browser(gh().url);
    const first = await passwordSignIn(gh(), r, user, { browser });
    expect((await first.finish(first.page)).claims()!.amr).toEqual(['pwd']);

    const stepUp = await passwordSignIn(gh(), r, user, { browser, extra: { acr_values: MFA_ACR } });
    // No password asked again: straight to the second factor.
    expect(stepUp.page.html).not.toContain('name="password"');
    expect(asksForCode(stepUp.page.html)).toBe(true);
    const claims = (await stepUp.finish(await browser.submit(stepUp.page, '/mfa/totp', { code: totpAt(user.secret) }))).claims()!;
    expect(claims).toMatchObject({ acr: MFA_ACR, amr: expect.arrayContaining(['pwd', 'otp', 'mfa']) });

    const again = await passwordSignIn(gh(), r, user, { browser, extra: { acr_values: MFA_ACR } });
    expect((await again.finish(again.page)).claims()!.acr).toBe(MFA_ACR);
  });

  it('step-up for a user without a factor: enrollment', async () => {
    const r = await mfaRealm(gh(), 'off');
    const user = await newUser(gh(), r);
    const { page } = await passwordSignIn(gh(), r, user, { extra: { acr_values: MFA_ACR } });
    expect(stepAfterPassword(page)).toBe('enroll');
  });

  it('max_age: an old authentication asks for the password and then the second factor again', async () => {
    const r = await mfaRealm(gh(), 'optional');
    const user = await enrolled(gh(), r);
    const browser = new Browser(gh().url);
    const first = await passwordSignIn(gh(), r, user, { browser });
    await first.finish(await browser.submit(first.page, '/mfa/totp', { code: totpAt(user.secret) }));

    const quiet = await passwordSignIn(gh(), r, user, { browser });
    expect(stepAfterPassword(quiet.page)).toBe('none');

    // auth_time has whole seconds: let one pass so max_age=0 finds the authentication older.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const aged = await passwordSignIn(gh(), r, user, { browser, extra: { max_age: '0' } });
    expect(asksForCode(aged.page.html)).toBe(true);
    const claims = (await aged.finish(await browser.submit(aged.page, '/mfa/totp', { code: totpAt(user.secret, 30) }))).claims()!;
    expect(claims).toMatchObject({ acr: MFA_ACR, amr: expect.arrayContaining(['pwd', 'otp', 'mfa']) });
  });

  it('prompt=none on a session waiting for its second factor: interaction_required', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await enrolled(gh(), r);
    const { browser, page } = await passwordSignIn(gh(), r, user);
    expect(asksForCode(page.html)).toBe(true);
    const silent = await passwordSignIn(gh(), r, user, { browser, extra: { prompt: 'none' } });
    expect(new URL(silent.page.leftTo!).searchParams.get('error')).toBe('interaction_required');
  });

  it('a factor of realm A does nothing in realm B: same email, B asks no code and A\'s codes are not B\'s', async () => {
    const a = await mfaRealm(gh(), 'optional');
    const b = await mfaRealm(gh(), 'optional');
    const userA = await enrolled(gh(), a);
    const userB = await newUser(gh(), b, userA.email);
    const { page } = await passwordSignIn(gh(), b, userB);
    expect(stepAfterPassword(page)).toBe('none');
    // B's methods do not see A's rows, even asked for A's user id.
    const { totp, recoveryCodes } = gh().services.mfaMethods;
    expect(await totp.isEnrolled(b.scope, userA.id)).toBe(false);
    expect(await recoveryCodes.use(b.scope, userA.id, userA.codes[0]!)).toBe(false);
    expect(await totp.check(b.scope, userA.id, totpAt(userA.secret), 'verify')).toBe(false);
    expect(textOf(page.html)).not.toContain('Two-step');
  });
});
