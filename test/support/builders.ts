// Test data builders: unique names so tests never collide, overrides for what a test cares about.
import { randomBytes } from 'node:crypto';
import type { CreateAppInput } from '../../src/modules/apps/apps.schemas.js';
import type { CreateUserInput } from '../../src/modules/users/users.service.js';
import type { TokenLifetimesPatch } from '../../src/realms/realm-settings.js';
import type { Gatehouse } from '../../src/server.js';

const actor = { actor: 'test' };
export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export async function buildRealm(gh: Gatehouse, overrides: { name?: string; ownerId?: string | null; tokenLifetimes?: TokenLifetimesPatch } = {}) {
  return gh.services.realms.create({ name: overrides.name ?? unique('realm'), tokenLifetimes: overrides.tokenLifetimes }, overrides.ownerId ?? null, actor);
}

type Realm = Awaited<ReturnType<typeof buildRealm>>;

export async function buildApp(gh: Gatehouse, realm: Realm, overrides: Partial<CreateAppInput> = {}) {
  return gh.services.forRealm(realm).apps.create(
    { name: 'Test app', type: 'web', redirectUris: ['http://localhost:8080/cb'], postLogoutRedirectUris: ['http://localhost:8080/logged-out'], ...overrides } as CreateAppInput,
    actor,
  );
}

export async function buildUser(gh: Gatehouse, realm: Realm, overrides: Partial<CreateUserInput> = {}) {
  const input = { email: `${unique('user')}@example.com`, password: 'correct horse battery', name: 'Test User', emailVerified: true, ...overrides };
  const user = await gh.services.forRealm(realm).users.create(input, actor);
  return { ...user, password: input.password };
}
