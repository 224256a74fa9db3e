// Management API test helpers: developer accounts with platform keys, realm keys, and the
// shape every API error must have (RFC 9457 problem details, no internals).
import type { Response } from 'supertest';
import { expect } from 'vitest';
import { unique } from '../support/builders.js';
import type { TestGatehouse } from '../support/gatehouse.js';

const actor = { actor: 'test' };

/** A developer account (a user of the `admin` realm) and a platform API key of theirs. */
export async function buildDeveloper(gh: TestGatehouse) {
  const admin = await gh.services.realms.ensureAdminRealm();
  const user = await gh.services.forRealm(admin).users.create({ email: `${unique('dev')}@example.com`, password: 'developer password 1' }, actor);
  const { key, apiKey } = await gh.services.apiKeys.create({ kind: 'platform', ownerId: user.id, adminRealmId: admin.id, name: 'test platform key' }, actor);
  return { user, key, apiKey };
}

export async function buildRealmKey(gh: TestGatehouse, realm: { id: string }) {
  return gh.services.apiKeys.create({ kind: 'realm', realmId: realm.id, name: 'test realm key' }, actor);
}

export const bearer = (key: string): Record<string, string> => ({ Authorization: `Bearer ${key}` });

/** Asserts an RFC 9457 problem with this status and code, and that nothing internal leaked. */
export function expectProblem(res: Response, status: number, code: string) {
  expect({ status: res.status, code: (res.body as { code?: unknown }).code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json\b/);
  expect(res.body).toMatchObject({ type: expect.stringMatching(new RegExp(`/${code}$`)), title: expect.any(String), status, code, errors: expect.any(Array) });
  expect(res.text).not.toMatch(/\bat .+:\d+:\d+|Error:|node_modules|prisma/i);
  return res.body as { errors: { path: string; message: string; code: string }[]; detail?: string };
}

/**
 * Row counts of everything the management API can create, and every realm's editable fields:
 * unchanged after a refused request.
 */
export async function rowCounts(gh: TestGatehouse) {
  const [realms, apps, users, passwords, apiKeys, resources, realmFields] = await Promise.all([
    gh.prisma.realm.count(), gh.prisma.app.count(), gh.prisma.user.count(), gh.prisma.passwordCredential.count(), gh.prisma.apiKey.count(),
    gh.prisma.apiResource.count(), gh.prisma.realm.findMany({ select: { name: true, displayName: true, settings: true }, orderBy: { name: 'asc' } }),
  ]);
  return { realms, apps, users, passwords, apiKeys, resources, realmFields };
}
