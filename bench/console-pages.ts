// Console page latency at scale (issue 10's bar: p95 < 200 ms on this machine): one developer
// owning 10,000 realms, one of them with 100,000 users and 100,000 audit events. Times, one
// request at a time through HTTP with the console session cookie: the realm list (first page,
// a page deep in the cursor chain, a search), user search (a whole address: an index lookup;
// part of one: a scan of the realm's users), and the audit log (first page, action filter, a later page).
// Usage: npm run bench:console [-- --requests 40]; DATABASE_URL / REDIS_URL are honoured.
import { parseArgs } from 'node:util';
import { buildRealm, buildUser } from '../test/support/builders.js';
import { startTestGatehouse } from '../test/support/gatehouse.js';
import { consoleSignIn } from '../test/console/console-support.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '40' } } });
const REQUESTS = Number(values.requests);
const TARGET_P95_MS = 200;

async function main() {
  const gh = await startTestGatehouse({ LOG_LEVEL: 'warn' });
  try {
    const admin = await gh.services.realms.ensureAdminRealm();
    const dev = await buildUser(gh, admin);
    const realm = await buildRealm(gh, { name: 'bench-big', ownerId: dev.id });
    const t0 = Date.now();
    await gh.prisma.realm.createMany({ data: Array.from({ length: 9_999 }, (_, i) => ({ name: `r-${String(i).padStart(5, '0')}`, displayName: `Realm ${i}`, ownerId: dev.id })) });
    // In slices of 10,000: each INSERT stays within the server's statement timeout (5 s).
    for (let from = 1; from <= 100_000; from += 10_000) {
      const to = from + 9_999;
      await gh.prisma.$executeRaw`INSERT INTO "User" ("id", "realmId", "email", "name", "updatedAt")
        SELECT gen_random_uuid(), ${realm.id}::uuid, 'user' || g || '@example.com', 'User ' || g, now() FROM generate_series(${from}::int, ${to}::int) g`;
      await gh.prisma.$executeRaw`INSERT INTO "AuditEvent" ("id", "realmId", "actor", "action", "target", "createdAt")
        SELECT gen_random_uuid(), ${realm.id}::uuid, 'user:x', CASE WHEN g % 10 = 0 THEN 'login.failure' ELSE 'login.success' END, 'user:x', now() - (g || ' seconds')::interval FROM generate_series(${from}::int, ${to}::int) g`;
    }
    await gh.prisma.$executeRaw`ANALYZE "Realm"`;
    await gh.prisma.$executeRaw`ANALYZE "User"`;
    await gh.prisma.$executeRaw`ANALYZE "AuditEvent"`;
    console.log(`seeded 10,000 realms, 100,000 users, 100,000 audit events in ${Date.now() - t0} ms`);

    const { browser } = await consoleSignIn(gh, dev);
    const deep = await browser.navigate(`${gh.url}/console?cursor=${Buffer.from(JSON.stringify(['r-08000'])).toString('base64url')}`);
    if (!deep.html.includes('r-08001')) throw new Error('deep realm page did not list r-08001');
    const auditFirst = await browser.navigate(`${gh.url}/console/realms/${realm.name}/audit`);
    const later = /href="([^"]*\/audit\?cursor=[^"]+)"/.exec(auditFirst.html)?.[1]?.replace(/&amp;/g, '&');
    if (!later) throw new Error('no next audit page');

    const pages: [string, string, string][] = [
      ['realm list, first page', '/console', 'r-00000'],
      ['realm list, page at r-08000', `/console?cursor=${Buffer.from(JSON.stringify(['r-08000'])).toString('base64url')}`, 'r-08001'],
      ['realm list, search "Realm 9998"', '/console?q=Realm%209998', 'r-09998'],
      ['user search, whole address', `/console/realms/${realm.name}/users?q=user77777%40example.com`, 'user77777@example.com'],
      ['user search, unknown address', `/console/realms/${realm.name}/users?q=nobody%40example.com`, 'No user matches.'],
      ['user search, part of an address', `/console/realms/${realm.name}/users?q=user77777%40`, 'user77777@example.com'],
      ['user search, part matching nobody', `/console/realms/${realm.name}/users?q=nobody-at-all`, 'No user matches.'],
      ['audit log, first page', `/console/realms/${realm.name}/audit`, 'login.success'],
      ['audit log, action login.failure', `/console/realms/${realm.name}/audit?action=login.failure`, 'login.failure'],
      ['audit log, second page', later, 'login.success'],
    ];
    let worst = 0;
    for (const [name, path, expect] of pages) {
      const times: number[] = [];
      for (let i = 0; i < REQUESTS + 3; i++) {
        const start = performance.now();
        const res = await browser.request(`${gh.url}${path}`);
        const html = await res.text();
        const ms = performance.now() - start;
        if (res.status !== 200 || !html.includes(expect)) throw new Error(`${name}: ${res.status}, expected "${expect}"`);
        if (i >= 3) times.push(ms);
      }
      times.sort((a, b) => a - b);
      const p = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
      worst = Math.max(worst, p(0.95));
      console.log(`${name.padEnd(36)} p50 ${p(0.5).toFixed(1)} ms  p95 ${p(0.95).toFixed(1)} ms  (${REQUESTS} requests)`);
    }
    console.log(`worst p95 ${worst.toFixed(1)} ms: ${worst < TARGET_P95_MS ? 'under' : 'OVER'} the ${TARGET_P95_MS} ms target`);
  } finally {
    await gh.close();
  }
}

await main();
