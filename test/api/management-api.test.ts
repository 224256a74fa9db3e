// The management REST API (/api/v1) as a script or CI job would use it: create a realm, apps and
// users with a platform key, then sign in through what was created. Every refused request must be
// an RFC 9457 problem (application/problem+json: type, title, status, code, errors), never a 500
// or a stack trace, and must leave no rows behind.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { discover, oidc, signIn } from '../support/relying-party.js';
import { bearer, buildDeveloper, expectProblem, rowCounts } from './support.js';

const REDIRECT = 'http://localhost:8080/cb';

const gh = useGatehouse();
let key: string;
/** A realm with one app and one user, made through the API, that the route table points at. */
const fixture = { realm: '', app: '', user: '', resource: '' };

const api = () => request(gh().url);
type Method = 'GET' | 'POST' | 'PATCH';

/** A request to /api/v1 + `path` (with :realm, :app, :user and :resource filled from the fixture). */
function call(method: Method, path: string, { headers = bearer(key), body }: { headers?: Record<string, string>; body?: unknown } = {}) {
  const filled = path.replace(':realm', fixture.realm).replace(':app', fixture.app).replace(':user', fixture.user).replace(':resource', fixture.resource);
  const url = `/api/v1${filled}`;
  const req = (method === 'GET' ? api().get(url) : method === 'POST' ? api().post(url) : api().patch(url)).set(headers);
  return body === undefined ? req : req.send(body as object);
}

const created = async (path: string, body: unknown) => {
  const res = await call('POST', path, { body });
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
  return res;
};

/** A refused request: the expected problem, and not one row more or less anywhere. */
async function refused(send: () => PromiseLike<request.Response>, status: number, code: string) {
  const before = await rowCounts(gh());
  const res = await send();
  const { errors } = expectProblem(res, status, code);
  expect(await rowCounts(gh())).toEqual(before);
  return { errors, headers: res.headers };
}

const newUser = () => ({ email: `${unique('user')}@example.com`, password: 'correct horse battery', emailVerified: true, name: 'API User' });
const newApp = (over: Record<string, unknown> = {}) => ({ name: 'API app', type: 'web', redirectUris: [REDIRECT], ...over });
let fixtureResourceIdentifier = '';
const newResource = (over: Record<string, unknown> = {}) => ({ identifier: `https://${unique('api')}.example.com`, name: 'Orders API', scopes: ['orders:read', 'orders:write'], ...over });
const VALID_BODY: Record<string, () => unknown> = {
  '/realms': () => ({ name: unique('realm') }),
  '/realms/:realm': () => ({ displayName: 'Fixture realm' }),
  '/realms/:realm/apps': () => newApp({ type: 'spa' }),
  '/realms/:realm/apps/:app': () => ({ name: 'Fixture app' }),
  '/realms/:realm/users': newUser,
  '/realms/:realm/resources': newResource,
};

const ROUTES: [Method, string][] = [
  ['GET', '/realms'],
  ['POST', '/realms'],
  ['GET', '/realms/:realm'],
  ['PATCH', '/realms/:realm'],
  ['GET', '/realms/:realm/apps'],
  ['POST', '/realms/:realm/apps'],
  ['GET', '/realms/:realm/apps/:app'],
  ['PATCH', '/realms/:realm/apps/:app'],
  ['GET', '/realms/:realm/users'],
  ['POST', '/realms/:realm/users'],
  ['GET', '/realms/:realm/users/:user'],
  ['GET', '/realms/:realm/resources'],
  ['POST', '/realms/:realm/resources'],
  ['GET', '/realms/:realm/resources/:resource'],
];
/** Routes that read a JSON body. */
const BODY_ROUTES = ROUTES.filter(([m]) => m !== 'GET');

beforeAll(async () => {
  ({ key } = await buildDeveloper(gh()));
  fixture.realm = (await created('/realms', { name: unique('fixture') })).body.name;
  fixture.app = (await created('/realms/:realm/apps', newApp())).body.id;
  fixture.user = (await created('/realms/:realm/users', newUser())).body.id;
  const resource = (await created('/realms/:realm/resources', newResource())).body;
  fixture.resource = resource.id;
  fixtureResourceIdentifier = resource.identifier;
});

describe('with a platform key', () => {
  // The route table used for refusals below reaches real things: a refusal there is not a 404 in disguise.
  it.each(ROUTES)('%s %s succeeds, and is never cached', async (method, path) => {
    const res = await call(method, path, { body: method === 'GET' ? undefined : VALID_BODY[path]?.() });
    expect({ status: res.status, type: res.type, cache: res.headers['cache-control'] }).toEqual({ status: method === 'POST' ? 201 : 200, type: 'application/json', cache: 'no-store' });
  });

  it('changes an app with PATCH: a service app is given API access, and the change is listed', async () => {
    const service = (await created('/realms/:realm/apps', { name: 'Worker', type: 'service' })).body;
    expect(service.apiAccess).toEqual([]);
    const access = [{ resource: fixtureResourceIdentifier, scopes: ['orders:read'] }];
    const res = await call('PATCH', `/realms/:realm/apps/${service.id}`, { body: { name: 'Nightly worker', apiAccess: access } });
    expect(res.status).toBe(200);
    const { clientSecret: _secret, ...before } = service;
    expect(res.body).toEqual({ ...before, name: 'Nightly worker', apiAccess: access });
    expect((await call('GET', `/realms/:realm/apps/${service.id}`)).body).toEqual(res.body);
  });

  it('creates a realm: 201, Location, and an issuer that serves discovery', async () => {
    const name = unique('realm');
    const res = await created('/realms', { name, displayName: 'Acme' });
    const issuer = `${gh().config.baseUrl}/realms/${name}`;
    expect(res.body).toEqual({
      id: expect.any(String), name, displayName: 'Acme', issuer, createdAt: expect.any(String),
      // The promised defaults, in seconds: access 15 min, ID 1 h, refresh 30 d absolute / 14 d idle, code 60 s, session 14 d.
      tokenLifetimes: { accessToken: 900, idToken: 3600, refreshTokenAbsolute: 2_592_000, refreshTokenIdle: 1_209_600, authorizationCode: 60, session: 1_209_600 },
      // Self-service account features are off until the developer turns them on.
      signUp: 'disabled', magicLink: 'disabled', requireVerifiedEmail: false, passwordPolicy: { minLength: 8 }, mailSenderName: null, mfa: 'off',
    });
    expect(res.headers.location).toBe(`/api/v1/realms/${name}`);
    expect((await call('GET', `/realms/${name}`)).body).toEqual(res.body);
    expect((await call('GET', '/realms')).body.data).toContainEqual(res.body);
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(issuer);
  });

  it("shows a web app's client secret once, and never again", async () => {
    const res = await created('/realms/:realm/apps', newApp({ name: 'Web', postLogoutRedirectUris: ['https://app.example.com/bye'] }));
    const { clientSecret, ...app } = res.body;
    expect(clientSecret).toMatch(/^ghs_[A-Za-z0-9_-]{43}$/);
    expect(app).toEqual({
      id: expect.any(String), clientId: expect.stringMatching(/^app_/), name: 'Web', type: 'web', redirectUris: [REDIRECT],
      postLogoutRedirectUris: ['https://app.example.com/bye'], grantTypes: ['authorization_code', 'refresh_token'], firstParty: false, apiAccess: [], requirePkce: true, tokenEndpointAuthMethod: 'client_secret_basic', directAuth: false, mfa: null, createdAt: expect.any(String),
    });
    expect(res.headers.location).toBe(`/api/v1/realms/${fixture.realm}/apps/${app.id}`);
    const fetched = await call('GET', `/realms/:realm/apps/${app.id}`);
    expect(fetched.body).toEqual(app);
    const listed = await call('GET', '/realms/:realm/apps');
    expect(listed.body.data).toContainEqual(app);
    for (const later of [fetched, listed]) expect(later.text).not.toMatch(new RegExp(`${clientSecret}|clientSecret|Hash`));
  });

  it('creates a spa app without a secret', async () => {
    const res = await created('/realms/:realm/apps', newApp({ type: 'spa' }));
    expect(res.body).toMatchObject({ type: 'spa', grantTypes: ['authorization_code', 'refresh_token'] });
    expect(res.body).not.toHaveProperty('clientSecret');
  });

  it('creates users without echoing the password; a duplicate email is 409 email_taken, in any case', async () => {
    const input = { ...newUser(), email: `  ${unique('Mixed')}@Example.COM ` };
    const res = await created('/realms/:realm/users', input);
    const email = input.email.trim().toLowerCase();
    expect(res.body).toEqual({ id: expect.any(String), email, emailVerified: true, name: 'API User', givenName: null, familyName: null, disabled: false, createdAt: expect.any(String) });
    expect(res.headers.location).toBe(`/api/v1/realms/${fixture.realm}/users/${res.body.id}`);
    const fetched = await call('GET', `/realms/:realm/users/${res.body.id}`);
    expect(fetched.body).toEqual(res.body);
    for (const shown of [res, fetched]) expect(shown.text).not.toMatch(new RegExp(`${input.password}|password|hash`, 'i'));

    for (const again of [email, email.toUpperCase(), input.email]) {
      await refused(() => call('POST', '/realms/:realm/users', { body: { ...newUser(), email: again } }), 409, 'email_taken');
    }
  });

  it('lists users a page at a time with limit and nextCursor', async () => {
    const realm = (await created('/realms', { name: unique('paged') })).body.name;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await created(`/realms/${realm}/users`, { email: `${unique('p')}@example.com` })).body.id);

    const pages: { data: { id: string }[]; nextCursor?: string }[] = [];
    let cursor: string | undefined;
    do {
      const res: request.Response = await api().get(`/api/v1/realms/${realm}/users`).query({ limit: 2, ...(cursor ? { cursor } : {}) }).set(bearer(key));
      expect(res.status).toBe(200);
      pages.push(res.body);
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.data.length)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.nextCursor)).toEqual([pages[0]!.data[1]!.id, pages[1]!.data[1]!.id, undefined]);
    expect(pages[2]).not.toHaveProperty('nextCursor');
    expect(pages.flatMap((p) => p.data.map((u) => u.id)).sort()).toEqual([...ids].sort());

    const all = await call('GET', `/realms/${realm}/users`);
    expect(all.body.data.map((u: { id: string }) => u.id).sort()).toEqual([...ids].sort());
    expect(all.body).not.toHaveProperty('nextCursor');
  });

  it('a last page that is exactly full has no nextCursor (no empty page to fetch)', async () => {
    const realm = (await created('/realms', { name: unique('exact') })).body.name;
    for (let i = 0; i < 4; i++) await created(`/realms/${realm}/users`, { email: `${unique('e')}@example.com` });
    const first = await api().get(`/api/v1/realms/${realm}/users`).query({ limit: 2 }).set(bearer(key));
    expect(first.body.data).toHaveLength(2);
    expect(first.body.nextCursor).toBe(first.body.data[1].id);
    const second = await api().get(`/api/v1/realms/${realm}/users`).query({ limit: 2, cursor: first.body.nextCursor }).set(bearer(key));
    expect(second.body.data).toHaveLength(2);
    expect(second.body).not.toHaveProperty('nextCursor');
  });

  it('answers a method a route does not take with 405 and Allow; unknown paths stay 404', async () => {
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/realms', 'GET, POST, HEAD, OPTIONS'],
      ['PUT', '/realms/:realm', 'GET, PATCH, DELETE, HEAD, OPTIONS'],
      ['PUT', '/realms/:realm/users/:user', 'GET, PATCH, DELETE, HEAD, OPTIONS'],
      ['PATCH', '/realms/:realm/resources', 'GET, POST, HEAD, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const url = `/api/v1${path.replace(':realm', fixture.realm).replace(':user', fixture.user)}`;
      const res = await request(gh().url)[method.toLowerCase() as 'delete' | 'put' | 'patch'](url).set(bearer(key)).send({});
      const body = expectProblem(res, 405, 'method_not_allowed');
      expect(res.headers.allow, `${method} ${path}`).toBe(allow);
      expect(body.detail).toContain(method);
    }
    const options = await request(gh().url).options(`/api/v1/realms/${fixture.realm}/apps`).set(bearer(key));
    expect({ status: options.status, allow: options.headers.allow }).toEqual({ status: 204, allow: 'GET, POST, HEAD, OPTIONS' });
    expectProblem(await request(gh().url).delete('/api/v1/nothing-here').set(bearer(key)), 404, 'not_found');
    // Anonymous callers still learn nothing before authenticating.
    expectProblem(await request(gh().url).delete('/api/v1/realms'), 401, 'unauthenticated');
  });

  it('a realm, app and user created through the API sign in with the authorization code flow', async () => {
    const realm = (await created('/realms', { name: unique('scripted') })).body;
    const app = (await created(`/realms/${realm.name}/apps`, newApp())).body;
    const input = newUser();
    const user = (await created(`/realms/${realm.name}/users`, input)).body;

    const config = await discover(realm.issuer, app.clientId, app.clientSecret);
    const { tokens } = await signIn(config, gh().url, { email: input.email, password: input.password, redirectUri: REDIRECT });
    expect(tokens.claims()).toMatchObject({ iss: realm.issuer, aud: app.clientId, sub: user.id });
    expect(await oidc.fetchUserInfo(config, tokens.access_token, user.id)).toMatchObject({ sub: user.id, email: input.email, email_verified: true, name: 'API User' });
  });
});

const limit = 100 * 1024;
type Route = readonly [Method, string];
/** `text` sent as `contentType` to a route, with the platform key unless `headers` says otherwise. */
const raw = (contentType: string, text: string) => ([method, path]: Route, headers = bearer(key)) => call(method, path, { headers: { ...headers, 'Content-Type': contentType }, body: text });
const BODIES: [string, number, string, (route: Route, headers?: Record<string, string>) => request.Test][] = [
  ['malformed JSON', 400, 'malformed_json', raw('application/json', '{"name": "x",')],
  ['a JSON string instead of an object', 400, 'malformed_json', raw('application/json', '"x"')],
  ['a JSON array instead of an object', 400, 'validation_failed', raw('application/json', '[]')],
  ['a body over 100 KiB', 413, 'payload_too_large', raw('application/json', JSON.stringify({ name: 'x'.repeat(limit) }))],
  ['a text/plain body', 415, 'unsupported_media_type', raw('text/plain', '{"name":"x"}')],
  ['a form-encoded body', 415, 'unsupported_media_type', raw('application/x-www-form-urlencoded', 'name=x')],
  ['an unsupported charset', 415, 'unsupported_media_type', raw('application/json; charset=latin1', '{"name":"x"}')],
  ['no body at all', 400, 'validation_failed', ([method, path], headers = bearer(key)) => call(method, path, { headers })],
];

describe('authentication, on every route', () => {
  const unknownKey = `gh_pk_${'A'.repeat(12)}_${'B'.repeat(43)}`;
  const CREDENTIALS: [string, () => Promise<Record<string, string>>][] = [
    ['no Authorization header', async () => ({})],
    ['a malformed key', async () => bearer('not-a-key')],
    ['a well-formed unknown key', async () => bearer(unknownKey)],
    ['a known key id with the wrong secret', async () => bearer(`${key.slice(0, -43)}${'x'.repeat(43)}`)],
    ['the key under the Basic scheme', async () => ({ Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` })],
    ['a revoked key', async () => {
      const revoked = await buildDeveloper(gh());
      expect((await call('GET', '/realms', { headers: bearer(revoked.key) })).status).toBe(200);
      await gh().prisma.apiKey.update({ where: { id: revoked.apiKey.id }, data: { revokedAt: new Date() } });
      return bearer(revoked.key);
    }],
  ];

  describe.each(CREDENTIALS)('with %s', (_label, credentials) => {
    let headers: Record<string, string>;
    beforeAll(async () => {
      headers = await credentials();
    });
    it.each(ROUTES)('%s %s → 401 unauthenticated with WWW-Authenticate', async (method, path) => {
      const refusal = await refused(() => call(method, path, { headers, body: method === 'GET' ? undefined : VALID_BODY[path]?.() }), 401, 'unauthenticated');
      expect(refusal.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    });
  });

  // Authentication comes before anything else: an anonymous caller learns nothing about how its
  // body would be read, and cannot make the server parse 100 KiB bodies for free.
  it.each(BODY_ROUTES)('%s %s without a key is 401 whatever the body', async (method, path) => {
    const answers = [];
    for (const [label, , , send] of BODIES) {
      const res = await send([method, path], {});
      answers.push({ label, status: res.status, code: res.body.code });
    }
    expect(answers).toEqual(BODIES.map(([label]) => ({ label, status: 401, code: 'unauthenticated' })));
  });
});

describe('request bodies, on every route that reads one', () => {
  describe.each(BODY_ROUTES)('%s %s', (method, path) => {
    it.each(BODIES)('%s → %i %s', async (_label, status, code, send) => {
      await refused(() => send([method, path]), status, code);
    });
    it('a body just under 100 KiB is read (and then validated)', async () => {
      await refused(() => raw('application/json', JSON.stringify({ name: 'x'.repeat(limit - 100) }))([method, path]), 400, 'validation_failed');
    });
  });
});

/** The problem's field errors name `field`: as their path, or as the unknown key they report. */
function expectNamed(errors: { path: string; message: string }[], field: string) {
  expect(errors.filter((e) => e.path === field || e.message.includes(`"${field}"`)), JSON.stringify(errors)).not.toEqual([]);
}

describe('validation', () => {
  const existingRealm = () => ({ name: fixture.realm });
  const CASES: [string, number, string, string, () => unknown, string?][] = [
    ['realm name of the wrong type', 400, 'validation_failed', '/realms', () => ({ name: 123 }), 'name'],
    ['realm without a name', 400, 'validation_failed', '/realms', () => ({}), 'name'],
    ['unknown realm field', 400, 'validation_failed', '/realms', () => ({ name: unique('r'), color: 'red' }), 'color'],
    ['realm name with a space and capitals', 400, 'validation_failed', '/realms', () => ({ name: 'Bad Name' }), 'name'],
    ['realm name of 64 characters', 400, 'validation_failed', '/realms', () => ({ name: 'a'.repeat(64) }), 'name'],
    ['realm name starting with a hyphen', 400, 'validation_failed', '/realms', () => ({ name: '-realm' }), 'name'],
    ['empty display name', 400, 'validation_failed', '/realms', () => ({ name: unique('r'), displayName: ' ' }), 'displayName'],
    ['reserved realm name "admin"', 409, 'realm_name_reserved', '/realms', () => ({ name: 'admin' })],
    ['reserved realm name "api"', 409, 'realm_name_reserved', '/realms', () => ({ name: 'api' })],
    ['duplicate realm', 409, 'realm_exists', '/realms', existingRealm],
    ['app name of the wrong type', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ name: 123 }), 'name'],
    ['unknown app type', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ type: 'desktop' }), 'type'],
    ['a client secret chosen by the caller', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ clientSecret: 'mine' }), 'clientSecret'],
    ['relative redirect URI', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ redirectUris: ['/cb'] }), 'redirectUris.0'],
    ['redirect URI with a fragment', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ redirectUris: ['https://app.example.com/cb#x'] }), 'redirectUris.0'],
    ['redirect URI with an empty fragment', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ redirectUris: ['https://app.example.com/cb#'] }), 'redirectUris.0'],
    ['http redirect URI off localhost', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ redirectUris: ['http://app.example.com/cb'] }), 'redirectUris.0'],
    ['http redirect URI on a localhost look-alike', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ redirectUris: ['http://localhost.evil.example/cb'] }), 'redirectUris.0'],
    ['javascript: redirect URI', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ redirectUris: ['javascript:alert(1)'] }), 'redirectUris.0'],
    ['second redirect URI bad', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ redirectUris: [REDIRECT, 'data:text/html,hi'] }), 'redirectUris.1'],
    ['javascript: post-logout URI', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ postLogoutRedirectUris: ['javascript:alert(1)'] }), 'postLogoutRedirectUris.0'],
    ['service app with authorization_code', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ type: 'service', grantTypes: ['authorization_code'] }), 'grantTypes'],
    ['spa app with client_credentials', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ type: 'spa', grantTypes: ['client_credentials'] }), 'grantTypes'],
    ['code-flow app without redirect URIs', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ redirectUris: [] }), 'redirectUris'],
    ['firstParty of the wrong type', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ firstParty: 'yes' }), 'firstParty'],
    // PostgreSQL text cannot hold U+0000: such input must be refused as invalid, not reach the database.
    ['NUL character in a realm display name', 400, 'validation_failed', '/realms', () => ({ name: unique('r'), displayName: 'Acme\u0000' }), 'displayName'],
    ['NUL character in an app name', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ name: 'App\u0000' }), 'name'],
    ['NUL character in a redirect URI', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ redirectUris: ['https://app.example.com/c\u0000b'] }), 'redirectUris.0'],
    ['NUL character in a user name', 400, 'validation_failed', '/realms/:realm/users', () => ({ ...newUser(), name: 'Ann\u0000' }), 'name'],
    ['email of the wrong type', 400, 'validation_failed', '/realms/:realm/users', () => ({ email: 123 }), 'email'],
    ['not an email', 400, 'validation_failed', '/realms/:realm/users', () => ({ email: 'not-an-email' }), 'email'],
    ['password too short', 400, 'validation_failed', '/realms/:realm/users', () => ({ ...newUser(), password: 'short' }), 'password'],
    ['emailVerified of the wrong type', 400, 'validation_failed', '/realms/:realm/users', () => ({ ...newUser(), emailVerified: 'yes' }), 'emailVerified'],
    ['unknown user field', 400, 'validation_failed', '/realms/:realm/users', () => ({ ...newUser(), role: 'admin' }), 'role'],
    ['access token lifetime under a minute', 400, 'validation_failed', '/realms', () => ({ name: unique('r'), tokenLifetimes: { accessToken: 59 } }), 'tokenLifetimes.accessToken'],
    ['unknown token lifetime', 400, 'validation_failed', '/realms', () => ({ name: unique('r'), tokenLifetimes: { deviceCode: 600 } }), 'tokenLifetimes'],
    ['refresh idle lifetime over the absolute one', 400, 'validation_failed', '/realms', () => ({ name: unique('r'), tokenLifetimes: { refreshTokenIdle: 7200, refreshTokenAbsolute: 3600 } }), 'tokenLifetimes.refreshTokenIdle'],
    ['resource identifier that is not absolute', 400, 'validation_failed', '/realms/:realm/resources', () => newResource({ identifier: '/orders' }), 'identifier'],
    ['resource identifier with a fragment', 400, 'validation_failed', '/realms/:realm/resources', () => newResource({ identifier: 'https://api.example.com/#v1' }), 'identifier'],
    ['resource identifier with a NUL character', 400, 'validation_failed', '/realms/:realm/resources', () => newResource({ identifier: 'https://api.example.com/\u0000' }), 'identifier'],
    ['resource without scopes', 400, 'validation_failed', '/realms/:realm/resources', () => newResource({ scopes: [] }), 'scopes'],
    ['resource scope with a space', 400, 'validation_failed', '/realms/:realm/resources', () => newResource({ scopes: ['read orders'] }), 'scopes.0'],
    ['resource scope named like an OpenID scope', 400, 'validation_failed', '/realms/:realm/resources', () => newResource({ scopes: ['read', 'email'] }), 'scopes.1'],
    ['resource scope given twice', 400, 'validation_failed', '/realms/:realm/resources', () => newResource({ scopes: ['read', 'read'] }), 'scopes'],
    ['resource token lifetime of 10 s', 400, 'validation_failed', '/realms/:realm/resources', () => newResource({ accessTokenTtl: 10 }), 'accessTokenTtl'],
    ['unknown resource field', 400, 'validation_failed', '/realms/:realm/resources', () => newResource({ audience: 'x' }), 'audience'],
    ['resource identifier already registered', 409, 'resource_exists', '/realms/:realm/resources', () => newResource({ identifier: fixtureResourceIdentifier })],
    ['API access for a web app', 400, 'validation_failed', '/realms/:realm/apps', () => newApp({ apiAccess: [{ resource: fixtureResourceIdentifier, scopes: ['orders:read'] }] }), 'apiAccess'],
    ['API access to an API the realm does not have', 400, 'validation_failed', '/realms/:realm/apps', () => ({ name: 'W', type: 'service', apiAccess: [{ resource: 'https://elsewhere.example.com', scopes: ['read'] }] }), 'apiAccess.0.resource'],
    ["API access to a scope the API does not define", 400, 'validation_failed', '/realms/:realm/apps', () => ({ name: 'W', type: 'service', apiAccess: [{ resource: fixtureResourceIdentifier, scopes: ['orders:read', 'orders:delete'] }] }), 'apiAccess.0.scopes.1'],
    ['API access to one API listed twice', 400, 'validation_failed', '/realms/:realm/apps', () => ({ name: 'W', type: 'service', apiAccess: [{ resource: fixtureResourceIdentifier, scopes: ['orders:read'] }, { resource: fixtureResourceIdentifier, scopes: ['orders:write'] }] }), 'apiAccess.1.resource'],
    ['API access without scopes', 400, 'validation_failed', '/realms/:realm/apps', () => ({ name: 'W', type: 'service', apiAccess: [{ resource: fixtureResourceIdentifier, scopes: [] }] }), 'apiAccess.0.scopes'],
  ];
  it.each(CASES)('%s → %i %s', async (_label, status, code, path, body, field) => {
    const problem = await refused(() => call('POST', path, { body: body() }), status, code);
    if (field) expectNamed(problem.errors, field);
  });

  it.each([
    ['an empty display name', { displayName: '' }, 'displayName'],
    ['a NUL character in the display name', { displayName: 'A\u0000' }, 'displayName'],
    ['a realm name (names never change)', { name: 'renamed' }, 'name'],
    ['an ID token lifetime over a day', { tokenLifetimes: { idToken: 86_401 } }, 'tokenLifetimes.idToken'],
    ['a lifetime as a string', { tokenLifetimes: { accessToken: '600' } }, 'tokenLifetimes.accessToken'],
    ['an idle refresh lifetime over the stored absolute one (30 days)', { tokenLifetimes: { refreshTokenIdle: 31 * 86_400 } }, 'tokenLifetimes.refreshTokenIdle'],
  ])('PATCH a realm with %s → 400 naming %s, realm unchanged', async (_label, body, field) => {
    expectNamed((await refused(() => call('PATCH', '/realms/:realm', { body }), 400, 'validation_failed')).errors, field);
  });

  it.each([
    ['a new type (types never change)', { type: 'spa' }, 'type'],
    ['a client secret', { clientSecret: 'mine' }, 'clientSecret'],
    ['no redirect URI left for a code-flow app', { redirectUris: [] }, 'redirectUris'],
    ['an http redirect URI off localhost', { redirectUris: ['http://app.example.com/cb'] }, 'redirectUris.0'],
    ['API access for a web app', { apiAccess: [{ resource: 'https://x.example.com', scopes: ['read'] }] }, 'apiAccess'],
  ])('PATCH an app with %s → 400 naming %s, app unchanged', async (_label, body, field) => {
    const before = await gh().prisma.app.findUniqueOrThrow({ where: { id: fixture.app } });
    expectNamed((await refused(() => call('PATCH', '/realms/:realm/apps/:app', { body }), 400, 'validation_failed')).errors, field);
    expect(await gh().prisma.app.findUniqueOrThrow({ where: { id: fixture.app } })).toEqual(before);
  });

  it.each([
    ['limit=0', 'limit'], ['limit=abc', 'limit'], ['limit=201', 'limit'], ['limit=1.5', 'limit'], ['limit=', 'limit'], ['cursor=not-a-uuid', 'cursor'],
  ])('GET users?%s → 400 naming %s', async (query, field) => {
    const problem = await refused(() => call('GET', `/realms/:realm/users?${query}`), 400, 'validation_failed');
    expect(problem.errors.map((e) => e.path)).toContain(field);
  });
});

describe('unknown things are 404 not_found', () => {
  it.each([
    ['an app id that is a random uuid', () => `/realms/:realm/apps/${randomUUID()}`],
    ['an app id that is not a uuid', () => '/realms/:realm/apps/not-a-uuid'],
    ['PATCH of an app that does not exist', () => `/realms/:realm/apps/${randomUUID()}`, 'PATCH'],
    ['a user id that is a random uuid', () => `/realms/:realm/users/${randomUUID()}`],
    ['a user id that is not a uuid', () => '/realms/:realm/users/not-a-uuid'],
    ['a resource id that is a random uuid', () => `/realms/:realm/resources/${randomUUID()}`],
    ['a resource id that is not a uuid', () => '/realms/:realm/resources/not-a-uuid'],
    ["an app's id used as a user id", () => `/realms/:realm/users/${fixture.app}`],
    ['a realm that does not exist', () => `/realms/${unique('missing')}`],
    ['a realm name that cannot exist', () => '/realms/Bad%20Name/users'],
    ['a realm name with a NUL character', () => '/realms/a%00b'],
    ['a realm name with a NUL character, for its users', () => '/realms/a%00b/users'],
    ['a route that does not exist', () => '/nothing-here'],
  ] as [string, () => string, Method?][])('%s', async (_label, path, method = 'GET') => {
    await refused(() => call(method, path(), method === 'GET' ? {} : { body: { name: 'x' } }), 404, 'not_found');
  });

  it('POSTs into a realm that does not exist create nothing', async () => {
    for (const path of ['/apps', '/users', '/resources']) {
      await refused(() => call('POST', `/realms/${unique('missing')}${path}`, { body: VALID_BODY[`/realms/:realm${path}`]!() }), 404, 'not_found');
    }
  });
});
