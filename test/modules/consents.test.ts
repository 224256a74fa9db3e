// Remembered consents merge atomically: two consents for one user and app landing at the same
// time (two tabs, two instances) both keep their scopes. The race is made deterministic by
// holding the row's lock while both writes start, so each must wait for it like a slow database.
import { expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';

const gh = useGatehouse();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function consentSetUp() {
  const realm = await buildRealm(gh());
  const { app } = await buildApp(gh(), realm);
  const user = await buildUser(gh(), realm);
  return { realm, app, user, consents: gh().services.forRealm(realm).scope.consents };
}

/** Connections of this test's database waiting for a lock. */
async function lockWaiters(): Promise<number> {
  const [row] = await gh().prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return row?.n ?? 0;
}

it('keeps the scopes of two concurrent consents for the same user and app', async () => {
  const { realm, app, user, consents } = await consentSetUp();
  await consents.remember(user.id, app.id, ['openid']);

  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = gh().prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "Consent" WHERE "realmId" = ${realm.id}::uuid AND "userId" = ${user.id}::uuid AND "appId" = ${app.id}::uuid FOR UPDATE`;
    locked();
    await released;
  }, { timeout: 20_000 });
  await isLocked;

  const writes = Promise.all([consents.remember(user.id, app.id, ['profile']), consents.remember(user.id, app.id, ['email', 'openid'])]);
  for (let i = 0; i < 200 && (await lockWaiters()) < 2; i++) await sleep(25);
  expect(await lockWaiters(), 'both writes are waiting for the row').toBe(2);
  release();
  await holder;
  await writes;

  expect((await consents.find(user.id, app.id))?.scopes).toEqual(['email', 'openid', 'profile']);
});

it('creates, merges without duplicates, and keeps another app of the realm apart', async () => {
  const { realm, app, user, consents } = await consentSetUp();
  const { app: other } = await buildApp(gh(), realm, { name: 'Other app' });
  await Promise.all([consents.remember(user.id, app.id, ['profile', 'openid', 'profile']), consents.remember(user.id, other.id, ['email'])]);
  await consents.remember(user.id, app.id, ['https://api.example.com orders:read', 'openid']);

  const row = await consents.find(user.id, app.id);
  expect(row).toMatchObject({ realmId: realm.id, userId: user.id, appId: app.id, scopes: ['https://api.example.com orders:read', 'openid', 'profile'] });
  expect(row!.updatedAt.getTime()).toBeGreaterThanOrEqual(row!.createdAt.getTime());
  expect(Math.abs(row!.updatedAt.getTime() - Date.now())).toBeLessThan(60_000);
  expect((await consents.find(user.id, other.id))?.scopes).toEqual(['email']);
});
