// What the user-management routes refuse: a user of realm A cannot be read, changed, deleted,
// signed out or searched through realm B (404, as if it did not exist), a realm key of A is
// refused for B, and bad input on every route is a 4xx problem with a stable code, never a 500,
// leaving the user as it was.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { bearer, buildDeveloper, buildRealmKey, expectProblem } from './support.js';
import { buildManagedRealm, createUser, expectTokensWork, signedIn, type ManagedRealm } from './users-support.js';

const gh = useGatehouse();
let key: string;
let realmA: ManagedRealm;
let realmB: ManagedRealm;
let userA: Awaited<ReturnType<typeof createUser>>;

type Method = 'get' | 'patch' | 'delete' | 'post';
/** Every route that names one user, with a body it would accept. */
const USER_ROUTES: [Method, string, Record<string, unknown>?][] = [
  ['get', ''],
  ['patch', '', { name: 'Changed' }],
  ['delete', ''],
  ['post', '/password', { password: 'a perfectly fine passphrase' }],
  ['post', '/sessions/revoke'],
  ['post', '/password-setup'],
];

const api = () => request(gh().url);
function send(method: Method, url: string, headers: Record<string, string>, body?: unknown) {
  const req = api()[method](url).set(headers);
  return body === undefined ? req : req.send(body as object);
}
/** The problem names the field: by its path, or (for unknown fields) in its message. */
const names = (errors: { path: string; message: string }[], field: string) => errors.some((e) => e.path === field || e.message.includes(`"${field}"`));
const userUrl = (realm: string, id: string, tail = '') => `/api/v1/realms/${realm}/users/${id}${tail}`;
/** The user's row and credential, to show a refused request changed nothing. */
const snapshot = async (id: string) => ({
  user: await gh().prisma.user.findUnique({ where: { id } }),
  password: await gh().prisma.passwordCredential.findUnique({ where: { userId: id } }),
});

beforeAll(async () => {
  ({ key } = await buildDeveloper(gh()));
  [realmA, realmB] = [await buildManagedRealm(gh(), key), await buildManagedRealm(gh(), key)];
  userA = await createUser(gh(), key, realmA.name);
});

describe('realm isolation', () => {
  it.each(USER_ROUTES)("%s /users/{id}%s of realm A's user through realm B is 404 and changes nothing", async (method, tail, body) => {
    const { tokens } = await signedIn(gh(), realmA, userA);
    const before = await snapshot(userA.id);
    expectProblem(await send(method, userUrl(realmB.name, userA.id, tail), bearer(key), body), 404, 'not_found');
    expect(await snapshot(userA.id)).toEqual(before);
    await expectTokensWork(realmA, tokens);
  });

  it("search in realm B finds nothing of realm A's user", async () => {
    for (const query of [{ email: userA.email }, { q: userA.email.split('@')[0]! }, { q: 'Managed' }]) {
      const res = await api().get(`/api/v1/realms/${realmB.name}/users`).query(query).set(bearer(key));
      expect(res.body).toEqual({ data: [] });
    }
    const inA = await api().get(`/api/v1/realms/${realmA.name}/users`).query({ email: userA.email }).set(bearer(key));
    expect(inA.body.data.map((u: { id: string }) => u.id)).toEqual([userA.id]);
  });

  it('a realm key of realm A is refused for realm B, and works for realm A', async () => {
    const { key: realmKey } = await buildRealmKey(gh(), realmA.realm);
    const userB = await createUser(gh(), key, realmB.name);
    for (const [method, tail, body] of USER_ROUTES) {
      expectProblem(await send(method, userUrl(realmB.name, userB.id, tail), bearer(realmKey), body), 404, 'not_found');
    }
    expectProblem(await api().get(`/api/v1/realms/${realmB.name}/users`).query({ q: 'a' }).set(bearer(realmKey)), 404, 'not_found');
    expect(await gh().prisma.user.findUnique({ where: { id: userB.id } })).toMatchObject({ name: 'Managed User', disabled: false });
    expect((await api().patch(userUrl(realmA.name, userA.id)).set(bearer(realmKey)).send({ familyName: 'Keyed' })).status).toBe(200);
  });
});

describe('bad input', () => {
  it.each(USER_ROUTES)('%s /users/{id}%s with an id that is not a user is 404', async (method, tail, body) => {
    for (const id of ['not-a-uuid', randomUUID(), realmA.realm.id, `${userA.id}x`]) {
      expectProblem(await send(method, userUrl(realmA.name, id, tail), bearer(key), body), 404, 'not_found');
    }
  });

  it.each([
    ['an unknown field', { role: 'admin' }, 'role'],
    ['no field at all', {}, '(body)'],
    ['not an email', { email: 'not-an-email' }, 'email'],
    ['an email with a line break', { email: 'x@example.com\r\nBcc: y@example.com' }, 'email'],
    ['a null email', { email: null }, 'email'],
    ['a huge name', { name: 'x'.repeat(10_000) }, 'name'],
    ['an empty name', { name: '   ' }, 'name'],
    ['a NUL in a name', { familyName: 'a\u0000b' }, 'familyName'],
    ['disabled of the wrong type', { disabled: 'yes' }, 'disabled'],
    ['emailVerified of the wrong type', { emailVerified: 1 }, 'emailVerified'],
    ['an id in the body', { id: randomUUID() }, 'id'],
  ])('PATCH with %s → 400 naming %s, user unchanged', async (_label, body, field) => {
    const before = await snapshot(userA.id);
    const problem = expectProblem(await api().patch(userUrl(realmA.name, userA.id)).set(bearer(key)).send(body), 400, 'validation_failed');
    expect(names(problem.errors, field), JSON.stringify(problem.errors)).toBe(true);
    expect(await snapshot(userA.id)).toEqual(before);
  });

  it.each([
    ['no password', {}, 'password'],
    ['a password of the wrong type', { password: 12345678 }, 'password'],
    ['a huge password', { password: 'x'.repeat(50_000) }, 'password'],
    ['a password over 256 characters', { password: 'long passphrase '.repeat(20) }, 'password'],
    ['an unknown field', { password: 'a perfectly fine passphrase', temporary: true }, 'temporary'],
  ])('POST /password with %s → 400 naming %s, password unchanged', async (_label, body, field) => {
    const before = await snapshot(userA.id);
    const problem = expectProblem(await api().post(userUrl(realmA.name, userA.id, '/password')).set(bearer(key)).send(body), 400, 'validation_failed');
    expect(names(problem.errors, field), JSON.stringify(problem.errors)).toBe(true);
    expect(await snapshot(userA.id)).toEqual(before);
  });

  it.each(['/sessions/revoke', '/password-setup'])('POST %s takes no body: fields are 400, other media types 415', async (tail) => {
    const url = userUrl(realmA.name, userA.id, tail);
    expectProblem(await api().post(url).set(bearer(key)).send({ everywhere: true }), 400, 'validation_failed');
    expectProblem(await api().post(url).set(bearer(key)).set('Content-Type', 'text/plain').send('revoke'), 415, 'unsupported_media_type');
    expectProblem(await api().post(url).set(bearer(key)).set('Content-Type', 'application/json').send('{"x":'), 400, 'malformed_json');
  });

  it('PATCH and POST /password refuse other media types (415) and malformed JSON (400)', async () => {
    for (const [method, tail] of [['patch', ''], ['post', '/password']] as const) {
      const url = userUrl(realmA.name, userA.id, tail);
      expectProblem(await api()[method](url).set(bearer(key)).type('form').send('name=x'), 415, 'unsupported_media_type');
      expectProblem(await api()[method](url).set(bearer(key)).set('Content-Type', 'application/json').send('{"name":'), 400, 'malformed_json');
    }
  });

  it.each([
    ['email=not-an-email', 'email'],
    [`email=${'a'.repeat(300)}@example.com`, 'email'],
    ['q=', 'q'],
    ['q=%20%20', 'q'],
    [`q=${'x'.repeat(101)}`, 'q'],
    ['q=a%00b', 'q'],
    ['q=a&q=b', 'q'],
    ['email=a@example.com&q=a', 'q'],
    ['q=a&limit=0', 'limit'],
    ['q=a&cursor=nope', 'cursor'],
  ])('GET /users?%s → 400 naming %s', async (query, field) => {
    const problem = expectProblem(await api().get(`/api/v1/realms/${realmA.name}/users?${query}`).set(bearer(key)), 400, 'validation_failed');
    expect(problem.errors.map((e) => e.path)).toContain(field);
  });

  it('answers other methods on the new paths with 405 and Allow', async () => {
    const cases: [Method | 'put', string, string][] = [
      ['put', '', 'GET, PATCH, DELETE, HEAD, OPTIONS'],
      ['get', '/password', 'POST, OPTIONS'],
      ['delete', '/sessions/revoke', 'POST, OPTIONS'],
      ['get', '/password-setup', 'POST, OPTIONS'],
    ];
    for (const [method, tail, allow] of cases) {
      const res = await api()[method](userUrl(realmA.name, userA.id, tail)).set(bearer(key));
      expectProblem(res, 405, 'method_not_allowed');
      expect(res.headers.allow).toBe(allow);
    }
  });

  it('anonymous callers get 401 on every route, before any body is read', async () => {
    for (const [method, tail, body] of USER_ROUTES) {
      expectProblem(await send(method, userUrl(realmA.name, userA.id, tail), {}, body), 401, 'unauthenticated');
    }
  });
});
