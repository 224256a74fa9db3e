// Issue #6 §1, as an attacker meets it: pushed authorization requests (RFC 9126) from one address
// are rate limited per IP and per client, their bodies are capped, and a realm holds a bounded
// number of pending sign-ins and pushes: past it new ones get 429 + Retry-After, while a sign-in
// already under way (its login page open) and every other realm go on working. Runs on the
// configured store: memory, or Redis when REDIS_URL is set (the per-realm sorted-set bound).
// TRUST_PROXY=1: the last X-Forwarded-For entry is the client address, so the attacker speaks
// from TEST-NET addresses (RFC 5737) and the user's browser from 127.0.0.1.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { signIn } from '../support/relying-party.js';
import { authorization, expectFriendlyPage, isConsentPage, isLoginPage, REDIRECT, setUpRealm } from './support.js';

const PER_IP = 20;
const PER_CLIENT = 15;
const PENDING = 30;
const BODY_CAP = 2048;
const gh = useGatehouse({
  TRUST_PROXY: '1', RATE_LIMIT_PAR_PER_IP: String(PER_IP), RATE_LIMIT_PAR_PER_CLIENT: String(PER_CLIENT),
  PENDING_ARTIFACTS_PER_REALM: String(PENDING), PAR_BODY_LIMIT_BYTES: String(BODY_CAP),
});

let lastOctet = 0;
const newSource = () => `198.51.100.${++lastOctet}`;

/** A realm with a user and its relying party, and `extra` public (SPA) clients an attacker can push for. */
async function realmWithPublicClients(extra: number) {
  const setup = await setUpRealm(gh());
  const clients: string[] = [];
  for (let i = 0; i < extra; i++) clients.push((await buildApp(gh(), setup.realm, { type: 'spa', redirectUris: [REDIRECT] })).app.clientId);
  const push = (clientId: string, ip: string, body?: string | ReadableStream, headers: Record<string, string> = {}) =>
    fetch(`${setup.issuer}/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-forwarded-for': ip, ...headers },
      body: body ?? new URLSearchParams({
        client_id: clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
      }),
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
  return { ...setup, clients, push };
}

/** A 429 in RFC 6749 §5.2 JSON with a Retry-After. */
async function expectTooMany(res: Response, error: string) {
  expect({ status: res.status, body: await res.json() }).toEqual({ status: 429, body: { error, error_description: expect.any(String) } });
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

/** Signs in through the hosted pages from 127.0.0.1 and redeems the code. */
const signsIn = (setup: Awaited<ReturnType<typeof setUpRealm>>) =>
  signIn(setup.config, gh().url, { email: setup.user.email, password: setup.user.password, redirectUri: REDIRECT, scope: 'openid' });

describe('pushed authorization request flood', () => {
  it('limits one address per realm; the realm and another realm still sign in from another address', async () => {
    const a = await realmWithPublicClients(2);
    const attacker = newSource();
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP; i++) statuses.push((await a.push(a.clients[i % 2]!, attacker)).status);
    expect(statuses).toEqual(Array(PER_IP).fill(201));
    await expectTooMany(await a.push(a.clients[0]!, attacker), 'slow_down');

    const b = await setUpRealm(gh());
    expect((await signsIn(b)).tokens.access_token).toEqual(expect.any(String));
    expect((await signsIn(a)).tokens.access_token).toEqual(expect.any(String));
  });

  it('limits accepted pushes per client, whatever address they come from', async () => {
    const c = await realmWithPublicClients(1);
    const client = c.clients[0]!;
    for (let i = 0; i < PER_CLIENT; i++) expect((await c.push(client, newSource())).status).toBe(201);
    await expectTooMany(await c.push(client, newSource()), 'slow_down');
  });

  it('caps the body: 413 on a Content-Length over the cap, and on a chunked body that grows past it', async () => {
    const d = await realmWithPublicClients(1);
    const big = new URLSearchParams({ client_id: d.clients[0]!, response_type: 'code', pad: 'x'.repeat(BODY_CAP) }).toString();
    const declared = await d.push(d.clients[0]!, newSource(), big);
    expect({ status: declared.status, body: await declared.json() }).toEqual({ status: 413, body: { error: 'invalid_request', error_description: expect.stringContaining(String(BODY_CAP)) } });

    // Chunked (no Content-Length): twice the cap is sent and the body is never ended. The 413
    // arrives all the same: the size is checked while reading, not once the body is complete.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-forwarded-for': newSource() };
      const req = request(new URL(`${d.issuer}/request`), { method: 'POST', headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, body });
        });
      });
      req.on('error', reject);
      req.write(`client_id=${d.clients[0]}&pad=${'x'.repeat(2 * BODY_CAP)}`);
    });
    expect({ status: answer.status, body: JSON.parse(answer.body) }).toEqual({ status: 413, body: { error: 'invalid_request', error_description: expect.any(String) } });
  });

  it('refuses new pending sign-ins once the realm holds its bound, without breaking one under way or another realm', async () => {
    const e = await realmWithPublicClients(3);
    // The victim opened the login page before the flood.
    const victim = await authorization(e.config);
    const loginPage = await e.browser.navigate(victim.url);
    expect(isLoginPage(loginPage)).toBe(true);

    // A flood from many addresses and clients: accepted until the realm is full, then refused.
    let accepted = 0;
    let refused: Response | undefined;
    for (let i = 0; i < PENDING * 2 && !refused; i++) {
      const res = await e.push(e.clients[i % 3]!, newSource());
      if (res.status === 201) accepted++;
      else refused = res;
    }
    expect(accepted).toBe(PENDING - 1);
    await expectTooMany(refused!, 'temporarily_unavailable');
    // A new sign-in at the full realm waits too (the documented choice: refuse, never evict).
    const waiting = await e.browser.navigate((await authorization(e.config)).url);
    expectFriendlyPage(waiting, 429);
    expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // The victim's correct password still signs in.
    let page = await e.browser.submit(loginPage, '/login', { email: e.user.email, password: e.user.password });
    if (isConsentPage(page)) page = await e.browser.submit(page, '/consent');
    expect((await victim.redeem(page.leftTo)).access_token).toEqual(expect.any(String));
    // Another realm is untouched.
    expect((await signsIn(await setUpRealm(gh()))).tokens.access_token).toEqual(expect.any(String));
  });
});
