// The management API for second factors: list a user's factors, remove one, reset all (each
// audited), another realm's user is a 404; MFA policy on PATCH realm and PATCH app; bad input 4xx.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { bearer, buildDeveloper, buildRealmKey, expectProblem } from '../api/support.js';
import { enrolled, mfaRealm, passwordSignIn } from './mfa-support.js';

const gh = useGatehouse();

describe('mfa factors API', () => {
  it('lists, removes one, resets all; audited; the next required sign-in enrolls again', async () => {
    const r = await mfaRealm(gh(), 'required');
    const user = await enrolled(gh(), r);
    const { key } = await buildRealmKey(gh(), r.realm);
    const base = `/api/v1/realms/${r.realm.name}/users/${user.id}/factors`;

    const listed = await request(gh().url).get(base).set(bearer(key));
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([
      { type: 'totp', createdAt: expect.any(String), lastUsedAt: expect.any(String) },
      { type: 'recovery_codes', createdAt: expect.any(String), lastUsedAt: null, remaining: 10 },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(user.secret);

    expect((await request(gh().url).delete(`${base}/totp`).set(bearer(key))).status).toBe(204);
    expectProblem(await request(gh().url).delete(`${base}/totp`).set(bearer(key)), 404, 'not_found');
    expect((await request(gh().url).get(base).set(bearer(key))).body.data.map((f: { type: string }) => f.type)).toEqual(['recovery_codes']);

    expect((await request(gh().url).delete(base).set(bearer(key))).status).toBe(204);
    expect((await request(gh().url).get(base).set(bearer(key))).body.data).toEqual([]);
    const audit = await gh().prisma.auditEvent.findMany({ where: { realmId: r.realm.id, action: { in: ['mfa.factor_removed', 'mfa.reset'] } }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => [a.action, a.target])).toEqual([['mfa.factor_removed', `user:${user.id}`], ['mfa.reset', `user:${user.id}`]]);

    const { page } = await passwordSignIn(gh(), r, user);
    expect(page.html).toContain('/mfa/enroll"');
  });

  it('another realm\'s user, unknown ids and factor types: 4xx problems, nothing removed', async () => {
    const a = await mfaRealm(gh(), 'optional');
    const b = await mfaRealm(gh(), 'optional');
    const userA = await enrolled(gh(), a);
    const { key: keyB } = await buildRealmKey(gh(), b.realm);
    const inB = `/api/v1/realms/${b.realm.name}/users/${userA.id}/factors`;
    expectProblem(await request(gh().url).get(inB).set(bearer(keyB)), 404, 'not_found');
    expectProblem(await request(gh().url).delete(inB).set(bearer(keyB)), 404, 'not_found');
    expectProblem(await request(gh().url).delete(`${inB}/totp`).set(bearer(keyB)), 404, 'not_found');
    const aWithB = await request(gh().url).get(`/api/v1/realms/${a.realm.name}/users/${userA.id}/factors`).set(bearer(keyB));
    expect([401, 403, 404]).toContain(aWithB.status);
    const { key: keyA } = await buildRealmKey(gh(), a.realm);
    const inA = `/api/v1/realms/${a.realm.name}/users`;
    expectProblem(await request(gh().url).get(`${inA}/not-a-uuid/factors`).set(bearer(keyA)), 404, 'not_found');
    expectProblem(await request(gh().url).delete(`${inA}/${userA.id}/factors/sms`).set(bearer(keyA)), 404, 'not_found');
    expect(await gh().prisma.totpCredential.count({ where: { realmId: a.realm.id, userId: userA.id } })).toBe(1);
    expect(await gh().prisma.recoveryCode.count({ where: { realmId: a.realm.id, userId: userA.id } })).toBe(10);
  });

  it('MFA policy on PATCH realm and PATCH app; bad values are 400', async () => {
    const dev = await buildDeveloper(gh());
    const created = await request(gh().url).post('/api/v1/realms').set(bearer(dev.key)).send({ name: `mfa-api-${Date.now().toString(36)}` });
    expect(created.status).toBe(201);
    expect(created.body.mfa).toBe('off');
    const name = created.body.name as string;
    const patched = await request(gh().url).patch(`/api/v1/realms/${name}`).set(bearer(dev.key)).send({ mfa: 'required' });
    expect(patched.status).toBe(200);
    expect(patched.body.mfa).toBe('required');
    expectProblem(await request(gh().url).patch(`/api/v1/realms/${name}`).set(bearer(dev.key)).send({ mfa: 'sometimes' }), 400, 'validation_failed');

    const app = await request(gh().url).post(`/api/v1/realms/${name}/apps`).set(bearer(dev.key)).send({ name: 'App', type: 'web', redirectUris: ['http://localhost:8080/cb'] });
    expect(app.status).toBe(201);
    expect(app.body.mfa).toBeNull();
    const appId = app.body.id as string;
    const off = await request(gh().url).patch(`/api/v1/realms/${name}/apps/${appId}`).set(bearer(dev.key)).send({ mfa: 'off' });
    expect(off.status).toBe(200);
    expect(off.body.mfa).toBe('off');
    const inherit = await request(gh().url).patch(`/api/v1/realms/${name}/apps/${appId}`).set(bearer(dev.key)).send({ mfa: null });
    expect(inherit.body.mfa).toBeNull();
    expectProblem(await request(gh().url).patch(`/api/v1/realms/${name}/apps/${appId}`).set(bearer(dev.key)).send({ mfa: 'maybe' }), 400, 'validation_failed');
  });
});
