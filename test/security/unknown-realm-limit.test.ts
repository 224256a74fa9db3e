// Requests naming realms that do not exist, from one address (src/realms/unknown-realm-limit.ts):
// after RATE_LIMIT_UNKNOWN_REALM_PER_IP "no such realm" answers in a minute, realms that would
// need a database read are refused with 429 + Retry-After, on the token fast path and through the
// realm router alike; a realm already being served still answers.
// TRUST_PROXY=1 and a documentation address of its own (RFC 3849) per run: with Redis the counter
// is shared by every test server on the same database, and other tests' 404s come from 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { buildRealm, unique } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse({ TRUST_PROXY: '1', RATE_LIMIT_UNKNOWN_REALM_PER_IP: '3' });
const newSource = () => `2001:db8::${randomBytes(4).toString('hex').replace(/(....)(....)/, '$1:$2')}`;
const source = newSource();
const discovery = (name: string, accept = 'application/json', from = source) =>
  fetch(`${gh().url}/realms/${name}/.well-known/openid-configuration`, { headers: { accept, 'x-forwarded-for': from } });
const token = (name: string) => fetch(`${gh().url}/realms/${name}/token`, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': source }, body: 'grant_type=client_credentials',
});

it('refuses lookups of uncached realms to an address that named too many missing ones, and keeps serving cached realms', async () => {
  const warm = await buildRealm(gh());
  expect((await discovery(warm.name)).status).toBe(200);

  const statuses = [(await discovery(unique('nobody'))).status, (await token(unique('nobody'))).status, (await discovery(unique('nobody'))).status];
  expect(statuses).toEqual([404, 404, 404]);

  const refused = await token(unique('nobody'));
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(await refused.json()).toMatchObject({ error: 'slow_down' });
  const page = await discovery(unique('nobody'), 'text/html');
  expect(page.status).toBe(429);
  expect(await page.text()).toContain('Too many requests');
  // A realm not yet served from memory needs the database: refused too, for this minute.
  const cold = await buildRealm(gh());
  expect((await discovery(cold.name)).status).toBe(429);

  // The realm already served answers as before; other addresses are not limited.
  expect((await discovery(warm.name)).status).toBe(200);
  expect((await discovery(cold.name, 'application/json', newSource())).status).toBe(200);
  // (no client credentials sent: the provider's own answer)
  expect((await token(warm.name)).status).toBe(400);
});
