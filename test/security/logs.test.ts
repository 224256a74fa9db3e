// What the logs hold after real traffic: every secret that crossed the wire (password, client
// secret, code, tokens, API key, CSRF token) must be absent from every line, at any log level,
// and every request line must carry a request id that can be followed from the client's side.
import { describe, expect, it } from 'vitest';
import { buildRealmKey } from '../api/support.js';
import { buildApp, unique } from '../support/builders.js';
import { discover, oidc } from '../support/relying-party.js';
import { authorization, csrfTokenOn, isConsentPage, setUpRealm } from './support.js';
import { useGatehouse } from '../support/gatehouse.js';

// The most verbose level: a secret may not appear at any level.
const gh = useGatehouse({ LOG_LEVEL: 'trace' });

interface LogLine {
  msg?: string;
  requestId?: string;
  method?: string;
  path?: string;
  status?: number;
}

/** Request lines are written when the response finishes, which the client may see first. */
async function settledLogs(): Promise<LogLine[]> {
  await new Promise((r) => setTimeout(r, 100));
  return gh().logLines.map((l) => JSON.parse(l) as LogLine);
}
const requestLines = async () => (await settledLogs()).filter((l) => l.msg === 'request');

describe('secrets in logs', () => {
  it('never logs a password, client secret, code, token, API key or CSRF token', async () => {
    const { config, browser, user, realm, clientSecret, issuer } = await setUpRealm(gh());

    // Sign-in with consent, code exchange, refresh.
    const auth = await authorization(config, { scope: 'openid profile offline_access', prompt: 'consent' });
    const login = await browser.navigate(auth.url);
    const consent = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(isConsentPage(consent)).toBe(true);
    const back = await browser.submit(consent, '/consent');
    const code = new URL(back.leftTo!).searchParams.get('code')!;
    const tokens = await auth.redeem(back.leftTo);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const userinfo = await oidc.fetchUserInfo(config, refreshed.access_token, user.id);
    expect(userinfo.sub).toBe(user.id);

    // A wrong password and a failed code replay (error paths log too).
    const again = await browser.navigate((await authorization(config, { prompt: 'login' })).url);
    const wrongPassword = `${user.password} but wrong`;
    expect((await browser.submit(again, '/login', { email: user.email, password: wrongPassword })).status).toBe(401);
    await expect(auth.redeem(back.leftTo)).rejects.toBeTruthy();

    // client_credentials for a service app.
    const service = await buildApp(gh(), realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    const serviceToken = await oidc.clientCredentialsGrant(await discover(issuer, service.app.clientId, service.clientSecret));

    // A user created through the management API, with a password, by an API key.
    const { key } = await buildRealmKey(gh(), realm);
    const apiPassword = `api-${unique('password')}`;
    const created = await fetch(`${gh().url}/api/v1/realms/${realm.name}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${unique('api')}@example.com`, password: apiPassword }),
    });
    expect(created.status).toBe(201);
    // And a refused API call with a wrong key that looks real.
    const wrongKey = `${key.slice(0, -4)}zzzz`;
    expect((await fetch(`${gh().url}/api/v1/realms/${realm.name}/users`, { headers: { authorization: `Bearer ${wrongKey}` } })).status).toBe(401);

    const secrets: Record<string, string | undefined> = {
      'user password': user.password,
      'wrong password': wrongPassword,
      'API user password': apiPassword,
      'client secret': clientSecret,
      'service client secret': service.clientSecret,
      'authorization code': code,
      'access token': tokens.access_token,
      'refresh token': tokens.refresh_token,
      'ID token': tokens.id_token,
      'refreshed access token': refreshed.access_token,
      'rotated refresh token': refreshed.refresh_token,
      'client_credentials token': serviceToken.access_token,
      'API key': key,
      'wrong API key': wrongKey,
      'CSRF token': csrfTokenOn(login.html, '/login'),
    };
    for (const [name, value] of Object.entries(secrets)) expect(value, `${name} was not captured`).toEqual(expect.stringMatching(/.{16,}/));

    const lines = (await settledLogs()).map((l) => JSON.stringify(l));
    expect(lines.length).toBeGreaterThan(20);
    const leaks = Object.entries(secrets).flatMap(([name, value]) => lines.filter((l) => l.includes(value!)).map((l) => `${name}: ${l}`));
    expect(leaks).toEqual([]);
  });
});

describe('request ids', () => {
  it('puts a request id on every request log line', async () => {
    await fetch(`${gh().url}/healthz`);
    await fetch(`${gh().url}/realms/no-such-realm/.well-known/openid-configuration`);
    const lines = await requestLines();
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.filter((l) => typeof l.requestId !== 'string' || l.requestId.length === 0)).toEqual([]);
  });

  it.each([
    ['the health check', '/healthz', 200, 'abc-123'],
    ['a realm endpoint', '/realms/no-such-realm/.well-known/openid-configuration', 404, unique('abc-123')],
  ])('echoes a well-formed X-Request-Id on %s and logs it', async (_name, path, status, id) => {
    const res = await fetch(`${gh().url}${path}`, { headers: { 'x-request-id': id } });
    expect(res.status).toBe(status);
    expect(res.headers.get('x-request-id')).toBe(id);
    expect((await requestLines()).filter((l) => l.requestId === id)).toEqual([expect.objectContaining({ method: 'GET', path, status })]);
  });

  it.each([
    ['too long', 'a'.repeat(300)],
    ['with spaces', 'abc 123 injected'],
    ['with JSON in it', 'abc","msg":"forged'],
  ])('replaces a bad X-Request-Id (%s) with a fresh one', async (_name, bad) => {
    const res = await fetch(`${gh().url}/healthz`, { headers: { 'x-request-id': bad } });
    const given = res.headers.get('x-request-id');
    expect(given).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const lines = await requestLines();
    expect(lines.filter((l) => l.requestId === given)).toHaveLength(1);
    expect(lines.filter((l) => l.requestId === bad)).toEqual([]);
  });
});
