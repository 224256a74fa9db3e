// The direct authentication API has no second-factor step, so it must not be a way around MFA:
// where the app's policy asks this user for a second factor, it answers 403 mfa_required (sign-in)
// or creates the account without tokens (sign-up); with MFA off it signs in as before.
import { describe, expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { expectProblem } from '../api/support.js';
import { buildDirectRealm, newEmail, PASSWORD, post } from '../api/direct-auth-support.js';
import { buildUser } from '../support/builders.js';
import { totpAt } from './mfa-support.js';

const gh = useGatehouse();

describe('mfa and the direct authentication API', () => {
  it('app mfa required: sign-in refused with mfa_required, sign-up gives no tokens', async () => {
    const r = await buildDirectRealm(gh(), { mfa: 'required' });
    const user = await buildUser(gh(), r.realm, { password: PASSWORD });
    const res = await post(gh(), r, '/auth/sign-in', { clientId: r.app.clientId, email: user.email, password: PASSWORD });
    expectProblem(res, 403, 'mfa_required');
    const signUp = await post(gh(), r, '/auth/sign-up', { clientId: r.app.clientId, email: newEmail(), password: PASSWORD });
    expect(signUp.status).toBe(201);
    expect(signUp.body.tokens).toBeNull();
  });

  it('app mfa optional: refused only for a user who enrolled a factor', async () => {
    const r = await buildDirectRealm(gh(), { mfa: 'optional' });
    const plain = await buildUser(gh(), r.realm, { password: PASSWORD });
    const ok = await post(gh(), r, '/auth/sign-in', { clientId: r.app.clientId, email: plain.email, password: PASSWORD });
    expect(ok.status).toBe(200);
    const withFactor = await buildUser(gh(), r.realm, { password: PASSWORD });
    const scope = gh().services.forRealm(r.realm).scope;
    const { totp } = gh().services.mfaMethods;
    const pending = await totp.begin(scope, withFactor);
    expect(await totp.check(scope, withFactor.id, totpAt(pending!.secret), 'confirm')).toBe(true);
    expectProblem(await post(gh(), r, '/auth/sign-in', { clientId: r.app.clientId, email: withFactor.email, password: PASSWORD }), 403, 'mfa_required');
  });
});
