// The lookups read through the pool under Prisma (src/db/sql-rows.ts: an API key by prefix, an
// app by client id, a user by id and with their password hash) return what Prisma returns for the
// same rows, timestamps included, and an audit event appended through it is the row Prisma would
// write, even in a process whose time zone is not UTC: node-postgres reads
// a timestamp without time zone as local time, Prisma writes and reads it as UTC. And they stay
// inside their realm.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, buildRealm, buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();

// UTC+14: a time read as local would be fourteen hours off.
let zone: string | undefined;
beforeEach(() => {
  zone = process.env.TZ;
  process.env.TZ = 'Pacific/Kiritimati';
});
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('lookups through the pool', () => {
  it('is really in another time zone while these tests run', () => {
    expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset()).toBe(-14 * 60);
  });

  it('read an app by client id as Prisma does, every field and Date alike, and only in its realm', async () => {
    const realm = await buildRealm(gh());
    const other = await buildRealm(gh());
    const { app } = await buildApp(gh(), realm, { postLogoutRedirectUris: [] });
    const viaPrisma = await gh().prisma.app.findUniqueOrThrow({ where: { id: app.id } });
    const viaPool = await gh().services.forRealm(realm).scope.apps.findByClientId(app.clientId);
    expect(viaPool).toEqual(viaPrisma);
    expect(viaPool?.createdAt.toISOString()).toBe(viaPrisma.createdAt.toISOString());
    expect(await gh().services.forRealm(other).scope.apps.findByClientId(app.clientId)).toBeNull();
  });

  it('read a user and their password hash as Prisma does, and only in their realm', async () => {
    const realm = await buildRealm(gh());
    const other = await buildRealm(gh());
    const user = await buildUser(gh(), realm);
    const viaPrisma = await gh().prisma.user.findUniqueOrThrow({ where: { id: user.id }, include: { password: { select: { hash: true } } } });
    const viaPool = await gh().services.forRealm(realm).scope.users.findByEmailWithPassword(user.email.toUpperCase());
    expect(viaPool).toEqual(viaPrisma);
    expect(await gh().services.forRealm(other).scope.users.findByEmailWithPassword(user.email)).toBeNull();
  });

  it('read a user by id as Prisma does, and only in their realm', async () => {
    const realm = await buildRealm(gh());
    const other = await buildRealm(gh());
    const user = await buildUser(gh(), realm);
    const viaPrisma = await gh().prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await gh().services.forRealm(realm).scope.users.findById(user.id)).toEqual(viaPrisma);
    expect(await gh().services.forRealm(other).scope.users.findById(user.id)).toBeNull();
  });

  it('append an audit event with its fields, data as JSON, absent fields null, and the time it was written', async () => {
    const realm = await buildRealm(gh());
    const scope = gh().services.forRealm(realm).scope;
    const before = Date.now();
    await scope.audit.append({ actor: 'user:someone', action: 'test.pooled_append', ip: '192.0.2.7', data: { method: 'pwd', n: 2 } });
    await scope.audit.append({ actor: 'cli', action: 'test.pooled_append_bare' });
    const rows = await gh().prisma.auditEvent.findMany({ where: { realmId: realm.id, action: { startsWith: 'test.pooled_append' } }, orderBy: { action: 'asc' } });
    expect(rows).toEqual([
      { id: expect.any(String), realmId: realm.id, actor: 'user:someone', action: 'test.pooled_append', target: null, ip: '192.0.2.7', userAgent: null, requestId: null, data: { method: 'pwd', n: 2 }, createdAt: expect.any(Date) },
      { id: expect.any(String), realmId: realm.id, actor: 'cli', action: 'test.pooled_append_bare', target: null, ip: null, userAgent: null, requestId: null, data: {}, createdAt: expect.any(Date) },
    ]);
    for (const row of rows) expect(Math.abs(row.createdAt.getTime() - before)).toBeLessThan(60_000);
  });

  it('read an API key with the expiry it was given', async () => {
    const realm = await buildRealm(gh());
    const expiresAt = new Date(Date.now() + 3 * 3600_000);
    const { key } = await gh().services.apiKeys.create({ kind: 'realm', realmId: realm.id, name: 'expiring', expiresAt }, { actor: 'test' });
    const principal = await gh().services.apiKeys.authenticate(key);
    expect(principal).toMatchObject({ kind: 'realm', realmId: realm.id });
    expect(principal?.expiresAt?.toISOString()).toBe(expiresAt.toISOString());
  });
});
