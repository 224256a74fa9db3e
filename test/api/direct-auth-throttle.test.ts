// Throttles of the direct API: sign-in uses the hosted login's throttle (per account, and per
// end-user address when the backend passes endUserIp); sign-up is limited per end-user address.
// Refusals are 429 with Retry-After (RFC 6585 §4), and say nothing about the account.
import { beforeAll, describe, expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { expectProblem } from './support.js';
import { buildDirectRealm, newEmail, PASSWORD, post, signUp, type DirectRealm } from './direct-auth-support.js';

const gh = useGatehouse({ LOCKOUT_FAILURES: '3', RATE_LIMIT_SIGN_UP_PER_IP: '2' });
let r: DirectRealm;
beforeAll(async () => {
  r = await buildDirectRealm(gh());
});

const signIn = (email: string, password: string, endUserIp?: string) =>
  post(gh(), r, '/auth/sign-in', { clientId: r.app.clientId, email, password, ...(endUserIp ? { endUserIp } : {}) });

async function failThrice(email: string, endUserIp?: string) {
  for (let i = 0; i < 3; i++) expectProblem(await signIn(email, 'wrong password here', endUserIp), 401, 'invalid_credentials');
}

describe('sign-in throttle', () => {
  it('locks out an end-user address that guessed wrong, even with the right password; another address still signs in', async () => {
    const { email } = await signUp(gh(), r);
    await failThrice(email, '203.0.113.7');
    const refused = await signIn(email, PASSWORD, '203.0.113.7');
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await signIn(email, PASSWORD, '2001:db8::1')).status).toBe(200);
  });

  it('an unknown email is throttled the same way (no enumeration through 429s)', async () => {
    const email = newEmail();
    await failThrice(email, '203.0.113.8');
    expectProblem(await signIn(email, PASSWORD, '203.0.113.8'), 429, 'rate_limited');
  });

  it('without endUserIp the account is judged on its own: its lockout does not reach the backend\'s other users', async () => {
    const [a, b] = [await signUp(gh(), r), await signUp(gh(), r)];
    await failThrice(a.email);
    expectProblem(await signIn(a.email, PASSWORD), 429, 'rate_limited');
    expect((await signIn(b.email, PASSWORD)).status).toBe(200);
  });
});

describe('sign-up limit per end-user address', () => {
  it('refuses the third sign-up from one address within the hour (429 + Retry-After); other addresses are unaffected', async () => {
    await signUp(gh(), r, { endUserIp: '198.51.100.1' });
    await signUp(gh(), r, { endUserIp: '198.51.100.1' });
    const email = newEmail();
    const refused = await post(gh(), r, '/auth/sign-up', { clientId: r.app.clientId, email, password: PASSWORD, endUserIp: '198.51.100.1' });
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await gh().prisma.user.count({ where: { email } })).toBe(0);
    await signUp(gh(), r, { endUserIp: '198.51.100.2' });
  });
});
