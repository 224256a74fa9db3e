// The audit query: newest first, exact and prefix action filters, actor/target/time filters,
// a cursor that walks every event once, no event of another realm, and events of one millisecond
// in the order they happened (UUIDv7 ids).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuditRepo } from '../../src/modules/audit/audit.repo.js';
import { buildRealm } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();
let a: Awaited<ReturnType<typeof buildRealm>>;
let b: Awaited<ReturnType<typeof buildRealm>>;
const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

beforeAll(async () => {
  [a, b] = await Promise.all([buildRealm(gh()), buildRealm(gh())]);
  await gh().prisma.auditEvent.deleteMany({ where: { realmId: { in: [a.id, b.id] } } });
  const rows = [
    ...Array.from({ length: 7 }, (_, i) => ({ realmId: a.id, actor: 'user:u1', action: i % 2 ? 'login.failed' : 'login.succeeded', target: `user:u${i % 3}`, createdAt: at(i) })),
    // Three events in the same millisecond: the id breaks the tie, so none is skipped or repeated.
    ...Array.from({ length: 3 }, () => ({ realmId: a.id, actor: 'api-key:gh_pk_x', action: 'app.created', target: 'app:c1', data: { name: 'Shop' }, createdAt: at(10) })),
    { realmId: a.id, actor: 'cli', action: 'loginx', createdAt: at(11) },
    { realmId: b.id, actor: 'user:u1', action: 'login.succeeded', target: 'user:u0', createdAt: at(5) },
  ];
  await gh().prisma.auditEvent.createMany({ data: rows });
});

const list = (realm: typeof a, filter: Parameters<ReturnType<ReturnType<typeof gh>['services']['forRealm']>['auditQuery']['list']>[0]) =>
  gh().services.forRealm(realm).auditQuery.list(filter);

describe('audit query', () => {
  it('lists newest first with details, and pages through every event exactly once', async () => {
    const first = await list(a, { limit: 100 });
    expect(first.events).toHaveLength(11);
    expect(first.nextCursor).toBeUndefined();
    expect(first.events[0]).toMatchObject({ actor: 'cli', action: 'loginx', createdAt: at(11).toISOString() });
    expect(first.events.find((e) => e.action === 'app.created')?.data).toEqual({ name: 'Shop' });
    const times = first.events.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(a, { limit: 2, cursor });
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(6);
    expect(seen).toEqual(first.events.map((e) => e.id));
  });

  it('filters by exact action, action prefix, actor, target and time range', async () => {
    expect((await list(a, { action: 'login.failed', limit: 50 })).events.map((e) => e.action)).toEqual(['login.failed', 'login.failed', 'login.failed']);
    const prefix = await list(a, { action: 'login.', limit: 50 });
    expect(prefix.events).toHaveLength(7); // not `loginx`
    expect((await list(a, { action: 'login', limit: 50 })).events).toHaveLength(0);
    expect((await list(a, { actor: 'api-key:gh_pk_x', limit: 50 })).events).toHaveLength(3);
    expect((await list(a, { target: 'user:u0', limit: 50 })).events.map((e) => e.createdAt)).toEqual([at(6), at(3), at(0)].map((d) => d.toISOString()));
    const range = await list(a, { since: at(2), until: at(5), limit: 50 });
    expect(range.events.map((e) => e.createdAt)).toEqual([at(4), at(3), at(2)].map((d) => d.toISOString()));
  });

  it("never returns another realm's events, even with its cursor", async () => {
    const ofB = await list(b, { limit: 50 });
    expect(ofB.events).toHaveLength(1);
    const aPage = await list(a, { limit: 1 });
    expect((await list(b, { limit: 50, cursor: aPage.nextCursor })).events.every((e) => ofB.events.some((x) => x.id === e.id))).toBe(true);
  });

  it('refuses a cursor it did not make with a 400 naming the cursor', async () => {
    for (const cursor of ['nope', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["2026-01-01T00:00:00Z","not-a-uuid"]').toString('base64url')]) {
      await expect(list(a, { limit: 5, cursor })).rejects.toMatchObject({ status: 400, code: 'validation_failed', errors: [{ path: 'cursor', code: 'invalid_cursor' }] });
    }
  });
});

describe('events of the same millisecond', () => {
  it('are listed newest first in the order they were appended, through the pool and through Prisma', async () => {
    const realm = await buildRealm(gh());
    const pooled = gh().services.forRealm(realm).scope.audit;
    const throughPrisma = createAuditRepo(gh().prisma, realm.id);
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-06-01T12:00:00.000Z') });
    try {
      for (let n = 0; n < 12; n++) await (n % 2 ? throughPrisma : pooled).append({ actor: 'system', action: 'test.step', data: { n } });
    } finally {
      vi.useRealTimers();
    }
    const { events } = await list(realm, { limit: 100, action: 'test.step' });
    expect(new Set(events.map((e) => e.createdAt))).toEqual(new Set(['2026-06-01T12:00:00.000Z']));
    expect(events.map((e) => (e.data as { n: number }).n)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });
});
