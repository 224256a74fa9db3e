// Realm-change announcements through PostgreSQL (src/stores/postgres-realm-events.ts) on a
// PostgreSQL of the test's own: another process's change arrives, one's own does not arrive
// twice, and the listening connection comes back by itself after the server was stopped and
// started, and after it hung (found by the heartbeat), with one log line for each loss and each
// return.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresRealmEvents } from '../../src/stores/postgres-realm-events.js';
import { startFaultyPostgres, type FaultyPostgres } from './pg-server.js';

let server: FaultyPostgres;
let pool: pg.Pool;
beforeAll(async () => {
  server = await startFaultyPostgres();
  pool = new pg.Pool({ connectionString: server.url, connectionTimeoutMillis: 1000 });
  pool.on('error', () => undefined);
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await server?.close();
});

function instance() {
  const lines: Array<{ level: string; msg: string }> = [];
  const publishErrors: string[] = [];
  const events = createPostgresRealmEvents({
    connectionString: server.url, sql: pool, connectTimeoutMs: 1000, heartbeatMs: 500,
    logger: { warn: (_obj: object, msg: string) => lines.push({ level: 'warn', msg }), info: (_obj: object, msg: string) => lines.push({ level: 'info', msg }) },
    onPublishError: (_err, realm) => publishErrors.push(realm),
  });
  const heard: string[] = [];
  return { events, heard, lines, publishErrors, listen: () => events.onChanged((name) => heard.push(name)) };
}

/** Announces `name` from `from` every 100 ms until `to` has heard it (at most 20 s). */
async function announceUntilHeard(from: ReturnType<typeof instance>, to: ReturnType<typeof instance>, name: string) {
  for (let tries = 0; tries < 200 && !to.heard.includes(name); tries++) {
    await from.events.publishChanged(name);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return to.heard.includes(name);
}

it('carries changes between processes, each once, and listens again after PostgreSQL was stopped or hung', { timeout: 60_000 }, async () => {
  const server1 = instance();
  const cli = instance();
  server1.listen();
  try {
    expect(await announceUntilHeard(cli, server1, 'realm-a')).toBe(true);
    // The announcer told itself directly and skips its own message from the channel.
    await server1.events.publishChanged('realm-own');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server1.heard.filter((n) => n === 'realm-own')).toEqual(['realm-own']);

    await server.stop();
    // Announcing while the database is down fails quietly, to onPublishError.
    await cli.events.publishChanged('realm-lost');
    expect(cli.publishErrors).toEqual(['realm-lost']);
    await server.start();
    expect(await announceUntilHeard(cli, server1, 'realm-b')).toBe(true);
    expect(server1.lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(server1.lines[0]!.msg).toContain('realm-change listener lost its database connection');

    // Hung: the connection stays open and silent; the heartbeat's query times out and it is replaced.
    await server.hang();
    for (let tries = 0; tries < 100 && server1.lines.length < 3; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    await server.resume();
    expect(await announceUntilHeard(cli, server1, 'realm-c')).toBe(true);
    expect(server1.lines.map((l) => l.level)).toEqual(['warn', 'info', 'warn', 'info']);
  } finally {
    await Promise.all([server1.events.close(), cli.events.close()]);
  }
});
