// Bad input on every protocol endpoint and hosted page of a realm gets a clear 4xx in the shape
// its caller understands: RFC 6749 §5.2 JSON {error, error_description} from back-channel
// endpoints, the friendly HTML page or an error redirect to the registered redirect_uri from
// front-channel ones. Never a 500, a stack trace, a file path or an error class name.
import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, formOn } from '../support/browser.js';
import { authorization, errorBanner, expectFriendlyPage, isLoginPage, REDIRECT, setUpRealm } from './support.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();

const FORM = 'application/x-www-form-urlencoded';
const INTERNALS = /\bat .+:\d+:\d+|node_modules|[A-Za-z]+Error\b|\/src\/|\.ts:\d|prisma/i;
const MB = 'a'.repeat(1_100_000);
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const ENTER = 'Enter your email address and password.';

let c: Awaited<ReturnType<typeof setUpRealm>> & { basic: string };
beforeAll(async () => {
  const realm = await setUpRealm(gh());
  c = { ...realm, basic: basicAuth(realm.app.clientId, realm.clientSecret!) };
});

/** RFC 6749 §2.3.1: id and secret are form-encoded, then joined with a colon and base64-encoded. */
const basicAuth = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

interface Req {
  method?: string;
  path?: string;
  body?: string;
  type?: string;
  auth?: string;
  accept?: string;
  cookie?: string;
}

/** One raw request against the realm (or an absolute URL), redirects not followed. */
function send(r: Req) {
  const url = r.path?.startsWith('http') ? r.path : `${c.issuer}${r.path ?? ''}`;
  const headers: Record<string, string> = { accept: r.accept ?? 'application/json' };
  if (r.body !== undefined) headers['content-type'] = r.type ?? FORM;
  if (r.auth) headers.authorization = r.auth;
  if (r.cookie) headers.cookie = r.cookie;
  return fetch(url, { method: r.method ?? (r.body === undefined ? 'GET' : 'POST'), headers, body: r.body, redirect: 'manual' });
}

/** The RFC 6749 §5.2 error body a client library parses (and these headers), with nothing internal in it. */
async function expectOAuthError(res: Response, status: number, error: string, headers: Record<string, RegExp> = {}) {
  const text = await res.text();
  const got = Object.fromEntries(Object.keys(headers).map((h) => [h, res.headers.get(h)]));
  const want = Object.fromEntries(Object.entries(headers).map(([h, re]) => [h, expect.stringMatching(re)]));
  expect({ status: res.status, type: res.headers.get('content-type'), body: text.slice(0, 300), ...got }).toEqual({
    status, type: 'application/json; charset=utf-8', body: expect.not.stringMatching(INTERNALS), ...want,
  });
  expect(JSON.parse(text)).toEqual({ error, error_description: expect.any(String) });
}

/** A friendly HTML page with this status and, when given, this error code on it. */
async function expectPage(res: Response, status: number, code?: string) {
  const page = { status: res.status, url: res.url, headers: res.headers, html: await res.text() };
  expectFriendlyPage(page, status);
  if (code) expect(page.html).toContain(`<code>${code}</code>`);
  return page;
}

/** A 303 back to the client's registered redirect_uri with error=, the state and iss. */
async function expectErrorRedirect(res: Response, error: string) {
  expect(res.status).toBe(303);
  const location = res.headers.get('location') ?? '';
  expect(location).toMatch(new RegExp(`^${REDIRECT}\\?`));
  expect(Object.fromEntries(new URL(location).searchParams)).toMatchObject({ error, state: 'st', iss: c.issuer });
  expect(await res.text()).not.toMatch(INTERNALS);
}

describe('token endpoint', () => {
  it.each<[string, number, string, () => Req]>([
    ['a malformed form body', 400, 'invalid_request', () => ({ body: '%%%&&&===%zz', auth: c.basic })],
    ['a JSON body (application/json)', 400, 'invalid_request', () => ({ body: '{"grant_type":"client_credentials"}', type: 'application/json', auth: c.basic })],
    ['a text/plain body', 400, 'invalid_request', () => ({ body: 'grant_type=client_credentials', type: 'text/plain', auth: c.basic })],
    ['a body over 1 MB', 400, 'invalid_request', () => ({ body: `grant_type=client_credentials&pad=${MB}`, auth: c.basic })],
    ['grant_type twice (RFC 6749 §3.1)', 400, 'invalid_request', () => ({ body: 'grant_type=client_credentials&grant_type=client_credentials', auth: c.basic })],
    ['client_id twice (RFC 6749 §3.1)', 400, 'invalid_request', () => ({ body: `grant_type=authorization_code&client_id=${c.app.clientId}&client_id=${c.app.clientId}`, auth: c.basic })],
    ['an unknown grant_type', 400, 'unsupported_grant_type', () => ({ body: 'grant_type=urn:example:nope', auth: c.basic })],
    ['no grant_type', 400, 'invalid_request', () => ({ body: 'scope=openid', auth: c.basic })],
    ['no body at all', 400, 'invalid_request', () => ({ method: 'POST', auth: c.basic })],
    ['a Basic header that is not base64', 400, 'invalid_request', () => ({ body: 'grant_type=client_credentials', auth: 'Basic !!!not-base64***' })],
    ['a Basic header without a colon', 400, 'invalid_request', () => ({ body: 'grant_type=client_credentials', auth: `Basic ${Buffer.from(c.app.clientId).toString('base64')}` })],
    ['a Basic header naming an unknown client', 401, 'invalid_client', () => ({ body: 'grant_type=client_credentials', auth: basicAuth('no-such-client', 'secret') })],
    ['a Basic header with the wrong secret', 401, 'invalid_client', () => ({ body: 'grant_type=client_credentials', auth: basicAuth(c.app.clientId, 'wrong') })],
    // RFC 6749 Appendix A.1: client_id is *VSCHAR, so a NUL makes the header malformed, not just unknown.
    ['a client_id with a NUL byte (Basic)', 400, 'invalid_request', () => ({ body: 'grant_type=client_credentials', auth: basicAuth('ab\u0000cd', 'secret') })],
    ['a client_id with a NUL byte (client_secret_post)', 401, 'invalid_client', () => ({ body: 'grant_type=client_credentials&client_id=ab%00cd&client_secret=x' })],
  ])('answers %s with %i %s', async (_name, status, error, req) => {
    const r = req();
    // RFC 6749 §5.2: a client that tried the Authorization header gets a WWW-Authenticate challenge.
    const challenge: Record<string, RegExp> = status === 401 && r.auth ? { 'www-authenticate': /^Basic realm=".*", error="invalid_client"/ } : {};
    await expectOAuthError(await send({ path: '/token', ...r }), status, error, challenge);
  });
});

describe('introspection, revocation and pushed authorization requests', () => {
  const par = (params: string) => `client_id=${c.app.clientId}&response_type=code&scope=openid&state=st&${params}`;
  it.each<[string, string, number, string, () => Req]>([
    ['/token/introspection', 'no token parameter', 400, 'invalid_request', () => ({ body: '' })],
    ['/token/revocation', 'no token parameter', 400, 'invalid_request', () => ({ body: '' })],
    ['/token/introspection', 'token twice', 400, 'invalid_request', () => ({ body: 'token=a&token=b' })],
    ['/token/revocation', 'token twice', 400, 'invalid_request', () => ({ body: 'token=a&token=b' })],
    ['/token/introspection', 'a JSON body', 400, 'invalid_request', () => ({ body: '{"token":"a"}', type: 'application/json' })],
    ['/token/revocation', 'a text/plain body', 400, 'invalid_request', () => ({ body: 'token=a', type: 'text/plain' })],
    ['/request', 'a JSON body', 400, 'invalid_request', () => ({ body: '{}', type: 'application/json' })],
    // 413 (RFC 9110 §15.5.14): PAR bodies are capped before oidc-provider reads them (PAR_BODY_LIMIT_BYTES).
    ['/request', 'a body over 1 MB', 413, 'invalid_request', () => ({ body: par(`pad=${MB}`) })],
    ['/request', 'scope twice', 400, 'invalid_request', () => ({ body: par(`scope=openid&redirect_uri=${REDIRECT}&code_challenge=${CHALLENGE}&code_challenge_method=S256`) })],
    ['/request', 'an unregistered redirect_uri', 400, 'invalid_request', () => ({ body: par(`redirect_uri=https://evil.example/cb&code_challenge=${CHALLENGE}&code_challenge_method=S256`) })],
    ['/request', 'an unknown response_type', 400, 'unsupported_response_type', () => ({ body: par(`redirect_uri=${REDIRECT}&code_challenge=${CHALLENGE}&code_challenge_method=S256`).replace('response_type=code', 'response_type=bogus') })],
    ['/request', 'no PKCE', 400, 'invalid_request', () => ({ body: par(`redirect_uri=${REDIRECT}`) })],
  ])('%s answers %s with %i %s', async (path, _name, status, error, req) => {
    await expectOAuthError(await send({ path, auth: c.basic, ...req() }), status, error);
  });
});

describe('userinfo', () => {
  it.each<[string, number, string, Req]>([
    ['a Bearer header without a token', 400, 'invalid_request', { auth: 'Bearer' }],
    ['a Bearer header with two tokens', 400, 'invalid_request', { auth: 'Bearer a b' }],
    ['another scheme (Basic)', 400, 'invalid_request', { auth: 'Basic YTpi' }],
    ['the token in the header and the query', 400, 'invalid_request', { auth: 'Bearer abc', path: '/userinfo?access_token=abc' }],
    ['a POST with a JSON body', 400, 'invalid_request', { auth: 'Bearer abc', body: '{}', type: 'application/json' }],
    ['a token it never issued', 401, 'invalid_token', { auth: 'Bearer not-a-real-token' }],
  ])('answers %s with %i %s and a Bearer challenge (RFC 6750 §3)', async (_name, status, error, req) => {
    await expectOAuthError(await send({ path: '/userinfo', ...req }), status, error, { 'www-authenticate': new RegExp(`^Bearer realm=".*", error="${error}"`) });
  });
});

describe('wrong HTTP method', () => {
  it.each<[string, string, string]>([
    ['GET', '/token', 'POST'],
    ['GET', '/token/introspection', 'POST'],
    ['GET', '/token/revocation', 'POST'],
    ['GET', '/request', 'POST'],
    ['POST', '/jwks', 'GET'],
    ['POST', '/.well-known/openid-configuration', 'GET'],
  ])('answers %s %s with 405, Allow: %s and a JSON invalid_request', async (method, path, allowed) => {
    const res = await send({ method, path, ...(method === 'POST' ? { body: 'a=b' } : {}) });
    await expectOAuthError(res, 405, 'invalid_request', { allow: new RegExp(`\\b${allowed}\\b`) });
  });
});

describe('realm name in the URL', () => {
  const long = 'a'.repeat(300);
  it.each<[string, number, string, string]>([
    ['a NUL byte', 404, 'not_found', 'ab%00cd'],
    ['300 characters', 404, 'not_found', long],
    ['an undecodable escape (%ZZ)', 400, 'invalid_request', 'ab%ZZ'],
  ])('a realm name with %s: the token endpoint answers %i %s', async (_name, status, error, realm) => {
    await expectOAuthError(await send({ path: `${gh().url}/realms/${realm}/token`, body: 'grant_type=client_credentials' }), status, error);
  });

  it.each<[string, number, string | undefined, string]>([
    ['a NUL byte', 404, 'realm_not_found', 'ab%00cd'],
    ['300 characters', 404, 'realm_not_found', long],
    ['an undecodable escape (%ZZ)', 400, undefined, 'ab%ZZ'],
  ])('a realm name with %s: the authorization endpoint shows a friendly %i page', async (_name, status, code, realm) => {
    await expectPage(await send({ path: `${gh().url}/realms/${realm}/authorize?client_id=x`, accept: 'text/html' }), status, code);
  });
});

describe('authorization endpoint (front channel)', () => {
  const query = (params: Record<string, string>, raw = '') => {
    const q = new URLSearchParams({ client_id: c.app.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'st', code_challenge: CHALLENGE, code_challenge_method: 'S256', ...params });
    for (const [k, v] of [...q]) if (v === '') q.delete(k);
    return `/authorize?${q}${raw}`;
  };
  const open = (path: string) => send({ path, accept: 'text/html' });

  it.each<[string, string, () => string]>([
    ['an unknown response_type', 'unsupported_response_type', () => query({ response_type: 'bogus' })],
    ['no PKCE code_challenge', 'invalid_request', () => query({ code_challenge: '', code_challenge_method: '' })],
    ['PKCE method plain', 'invalid_request', () => query({ code_challenge_method: 'plain' })],
    ['scope twice (RFC 6749 §3.1)', 'invalid_request', () => query({}, '&scope=openid')],
    ['an unknown prompt', 'invalid_request', () => query({ prompt: 'bogus' })],
  ])('sends %s back to the client with error=%s', async (_name, error, path) => {
    await expectErrorRedirect(await open(path()), error);
  });

  it.each<[string, string, () => string]>([
    ['an unknown client_id', 'invalid_client', () => query({ client_id: 'no-such-client' })],
    ['a client_id with a NUL byte', 'invalid_client', () => query({ client_id: 'ab\u0000cd' })],
    ['no client_id', 'invalid_request', () => query({ client_id: '' })],
    ['the registered redirect_uri plus a NUL byte', 'invalid_redirect_uri', () => query({ redirect_uri: `${REDIRECT}\u0000` })],
  ])('shows a friendly 400 page, and does not redirect, for %s (%s)', async (_name, code, path) => {
    await expectPage(await open(path()), 400, code);
  });
});

describe('end session (front channel)', () => {
  it.each<[string, string, () => Req]>([
    ['an id_token_hint that is not a JWT', 'invalid_request', () => ({ path: '/session/end?id_token_hint=garbage' })],
    ['an unregistered post_logout_redirect_uri', 'invalid_request', () => ({ path: `/session/end?client_id=${c.app.clientId}&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F` })],
    ['an unknown client_id', 'invalid_client', () => ({ path: '/session/end?client_id=no-such-client' })],
    ['client_id twice', 'invalid_request', () => ({ path: `/session/end?client_id=${c.app.clientId}&client_id=${c.app.clientId}` })],
    ['a confirmation without its xsrf token', 'invalid_request', () => ({ path: '/session/end/confirm', body: 'logout=yes' })],
  ])('shows a friendly 400 page for %s (%s)', async (_name, code, req) => {
    const page = await expectPage(await send({ ...req(), accept: 'text/html' }), 400, code);
    expect(page.html).not.toContain('evil.example');
  });
});

describe('hosted interaction pages', () => {
  let f: { url: string; cookie: string; csrf: string; email: string; password: string };
  beforeAll(async () => {
    const browser = new Browser(gh().url);
    const page = await browser.navigate((await authorization(c.config)).url);
    const form = formOn(page.html, '/login');
    const url = new URL(form.action, page.url).href;
    f = { url, cookie: await browser.jar.getCookieString(url), csrf: `_csrf=${encodeURIComponent(form.fields._csrf!)}`, email: encodeURIComponent(c.user.email), password: encodeURIComponent(c.user.password) };
  });
  const post = (r: Req) => send({ path: f.url, accept: 'text/html', cookie: f.cookie, ...r });

  it.each<[string, number, string, () => string]>([
    ['an unknown uid', 400, 'interaction_expired', () => '/interaction/no-such-interaction'],
    ['a uid with a NUL byte', 400, 'interaction_expired', () => '/interaction/ab%00cd'],
    ['a 2,000-character uid', 400, 'interaction_expired', () => `/interaction/${'a'.repeat(2000)}`],
    ['an undecodable uid (%ZZ)', 400, 'bad_request', () => '/interaction/ab%ZZ'],
  ])('GET with %s shows a friendly %i page', async (_name, status, code, path) => {
    await expectPage(await send({ path: path(), accept: 'text/html', cookie: f.cookie }), status, code);
  });

  it.each(['/login', '/consent', '/abort'])('GET on the form URL %s sends the browser to the sign-in page it belongs to', async (step) => {
    const res = await send({ path: f.url.replace(/\/login$/, step), accept: 'text/html', cookie: f.cookie });
    expect({ status: res.status, location: res.headers.get('location') }).toEqual({ status: 303, location: new URL(f.url).pathname.replace(/\/login$/, '') });
  });

  it("a consent form posted while the sign-in is at its login step shows the login page, not 'Allow access?'", async () => {
    const res = await post({ path: f.url.replace(/\/login$/, '/consent'), body: f.csrf });
    const location = new URL(f.url).pathname.replace(/\/login$/, '');
    expect({ status: res.status, location: res.headers.get('location') }).toEqual({ status: 303, location });
    const shown = await expectPage(await send({ path: new URL(location, f.url).href, accept: 'text/html', cookie: f.cookie }), 200);
    expect(isLoginPage(shown)).toBe(true);
    expect(shown.html).not.toContain('Allow access?');
  });

  // The login page shown again with its banner, or an error page with its code.
  it.each<[string, number, { banner: string } | { code?: string }, () => Req]>([
    ['a malformed body (bad percent-escapes)', 400, { banner: ENTER }, () => ({ body: `${f.csrf}&email=%ZZ%&password=%` })],
    ['email as an array (email[]=a&email[]=b)', 400, { banner: ENTER }, () => ({ body: `${f.csrf}&email[]=${f.email}&email[]=b%40example.com&password=${f.password}` })],
    ['email twice', 400, { banner: ENTER }, () => ({ body: `${f.csrf}&email=${f.email}&email=${f.email}&password=${f.password}` })],
    ['a NUL byte in the email', 400, { banner: ENTER }, () => ({ body: `${f.csrf}&email=${f.email}%00&password=${f.password}` })],
    ['a 10,000-character email', 400, { banner: ENTER }, () => ({ body: `${f.csrf}&email=${'a'.repeat(10_000)}%40example.com&password=x` })],
    ['a 10,000-character password', 400, { banner: ENTER }, () => ({ body: `${f.csrf}&email=${f.email}&password=${'a'.repeat(10_000)}` })],
    ['a NUL byte after the right password', 401, { banner: 'Incorrect email or password.' }, () => ({ body: `${f.csrf}&email=${f.email}&password=${f.password}%00` })],
    ['a JSON body instead of a form', 403, { code: 'csrf_invalid' }, () => ({ body: JSON.stringify({ _csrf: decodeURIComponent(f.csrf.slice(6)), email: c.user.email, password: c.user.password }), type: 'application/json' })],
    ['a text/plain body', 403, { code: 'csrf_invalid' }, () => ({ body: `${f.csrf}&email=${f.email}&password=${f.password}`, type: 'text/plain' })],
    ['a body over 1 MB', 413, { code: 'payload_too_large' }, () => ({ body: `${f.csrf}&email=${f.email}&password=${MB}` })],
    ['an unsupported charset', 415, { code: 'unsupported_media_type' }, () => ({ body: `${f.csrf}&email=${f.email}&password=x`, type: `${FORM}; charset=utf-16` })],
    ['more than 20 fields', 413, { code: 'payload_too_large' }, () => ({ body: `${f.csrf}&${Array.from({ length: 25 }, (_, i) => `f${i}=1`).join('&')}` })],
    ['no CSRF token', 403, { code: 'csrf_invalid' }, () => ({ body: `email=${f.email}&password=${f.password}` })],
    ['the CSRF token twice', 403, { code: 'csrf_invalid' }, () => ({ body: `${f.csrf}&${f.csrf}&email=${f.email}&password=${f.password}` })],
    ['this token on an unknown uid', 403, { code: 'csrf_invalid' }, () => ({ path: `${c.issuer}/interaction/no-such-interaction/login`, body: `${f.csrf}&email=${f.email}&password=${f.password}` })],
    ['no CSRF token on /consent', 403, { code: 'csrf_invalid' }, () => ({ path: f.url.replace(/\/login$/, '/consent'), body: 'x=1' })],
    ['no CSRF token on /abort', 403, { code: 'csrf_invalid' }, () => ({ path: f.url.replace(/\/login$/, '/abort'), body: 'x=1' })],
  ])('POST with %s answers a friendly %i page', async (_name, status, expected, req) => {
    const page = await expectPage(await post(req()), status, 'code' in expected ? expected.code : undefined);
    if ('banner' in expected) {
      expect(isLoginPage(page)).toBe(true);
      expect(errorBanner(page.html)).toBe(expected.banner);
    }
  });

  it('still signs the user in afterwards: nothing above finished or broke the interaction', async () => {
    const res = await post({ body: `${f.csrf}&email=${f.email}&password=${f.password}` });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(new RegExp(`^${c.issuer}/authorize/`));
  });
});

describe('server logs', () => {
  it('logged no error for any of the requests above (nothing reached the 500 path)', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const errors = gh().logLines.map((l) => JSON.parse(l) as { level: number; msg?: string }).filter((l) => l.level >= 50);
    expect(errors.map((l) => l.msg)).toEqual([]);
  });
});
