// Helpers for the direct authentication API tests: a realm with a directAuth app, a realm key,
// calls to /api/v1/realms/{realm}/auth/*, and an openid-client configuration for the app so
// the minted tokens are checked by a strict, certified relying-party library.
import request from 'supertest';
import { expect } from 'vitest';
import { buildApp, buildRealm, unique } from '../support/builders.js';
import type { TestGatehouse } from '../support/gatehouse.js';
import { discover } from '../support/relying-party.js';
import type { TokenResponse } from '../../src/modules/direct-auth/token-mint.js';
import { bearer, buildRealmKey } from './support.js';

export const REDIRECT = 'http://localhost:8080/cb';
export const PASSWORD = 'correct horse battery staple';

/** A realm, its key, and a confidential first-party app with directAuth on (plus its openid-client configuration). */
export async function buildDirectRealm(gh: TestGatehouse, appOverrides: Record<string, unknown> = {}) {
  const realm = await buildRealm(gh);
  const { key } = await buildRealmKey(gh, realm);
  const { app, clientSecret } = await buildApp(gh, realm, { firstParty: true, directAuth: true, ...appOverrides });
  const issuer = `${gh.config.baseUrl}/realms/${realm.name}`;
  const client = await discover(issuer, app.clientId, clientSecret);
  return { realm, key, app, clientSecret: clientSecret ?? '', issuer, client };
}

export type DirectRealm = Awaited<ReturnType<typeof buildDirectRealm>>;

export const newEmail = () => `${unique('user')}@example.com`;

/** POST /api/v1/realms/{realm}{path} with the realm's key. */
export function post(gh: TestGatehouse, r: { realm: { name: string }; key: string }, path: string, body?: unknown) {
  const req = request(gh.url).post(`/api/v1/realms/${r.realm.name}${path}`).set(bearer(r.key));
  return body === undefined ? req : req.send(body as object);
}

export async function signUp(gh: TestGatehouse, r: DirectRealm, over: Record<string, unknown> = {}) {
  const email = newEmail();
  const res = await post(gh, r, '/auth/sign-up', { clientId: r.app.clientId, email, password: PASSWORD, name: 'Ada Direct', ...over });
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
  return { email, location: res.headers.location as string, user: res.body.user as { id: string; email: string; emailVerified: boolean }, tokens: res.body.tokens as TokenResponse };
}

export type { TokenResponse as Tokens } from '../../src/modules/direct-auth/token-mint.js';

/** Audit events of a realm with this action, once `until` holds (the audit writer batches: waits for its flush). */
export async function auditEvents(gh: TestGatehouse, realmId: string, action: string, until: (events: { target: string | null; actor: string; data: unknown }[]) => boolean = (e) => e.length > 0) {
  let events = await gh.prisma.auditEvent.findMany({ where: { realmId, action }, orderBy: { createdAt: 'asc' } });
  for (let i = 0; i < 50 && !until(events); i++) {
    await new Promise((r) => setTimeout(r, 50));
    events = await gh.prisma.auditEvent.findMany({ where: { realmId, action }, orderBy: { createdAt: 'asc' } });
  }
  return events;
}
