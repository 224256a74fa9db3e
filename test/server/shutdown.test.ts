// close() (SIGTERM, SIGINT) lets requests in flight finish before the database and stores go:
// cutting one off can lose a response whose effect is already stored (a consumed code whose
// tokens nobody receives, RFC 6749 §4.1.2). Idle keep-alive connections do not hold it up, and a
// request that never ends is cut after the grace period.
import { describe, expect, it } from 'vitest';
import { buildRealm } from '../support/builders.js';
import { startTestGatehouse, type TestGatehouse } from '../support/gatehouse.js';

/** Holds the next request for a realm's provider until release(); `reached` resolves when one is held. */
function holdNextRealmRequest(gh: TestGatehouse) {
  const { get: original, peek } = gh.pool;
  let release!: () => void;
  let reached!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const arrived = new Promise<void>((r) => (reached = r));
  // A cached realm is found with peek(), without get(): the held request must miss it.
  gh.pool.peek = () => undefined;
  gh.pool.get = async (name) => {
    gh.pool.get = original;
    gh.pool.peek = peek;
    reached();
    await released;
    return original(name);
  };
  return { arrived, release };
}

const settledWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);

describe('graceful shutdown', () => {
  it('a request in flight when close() is called still gets its response, then close() ends promptly', async () => {
    const gh = await startTestGatehouse();
    const realm = await buildRealm(gh);
    const discovery = `${gh.url}/realms/${realm.name}/.well-known/openid-configuration`;
    expect((await fetch(discovery)).status).toBe(200); // leaves an idle keep-alive connection

    const held = holdNextRealmRequest(gh);
    const inFlight = fetch(discovery).then(
      async (res) => ({ status: res.status, body: (await res.json()) as { issuer?: string } }),
      (err: unknown) => ({ status: 0, body: { error: String(err) } }),
    );
    await held.arrived;
    const closing = gh.close();
    // Stopped accepting, but waiting for the request in flight.
    expect(await settledWithin(closing, 300)).toBe(false);
    await expect(fetch(`${gh.url}/healthz`)).rejects.toThrow();

    held.release();
    expect(await inFlight).toMatchObject({ status: 200, body: { issuer: expect.stringContaining(realm.name) } });
    // Neither the finished connection nor the idle one waits out the keep-alive timeout (5 s).
    expect(await settledWithin(closing, 2000)).toBe(true);
  });

  it('cuts a request that outlives the grace period, so shutdown cannot hang', async () => {
    const gh = await startTestGatehouse({}, { shutdownGraceMs: 300 });
    const realm = await buildRealm(gh);
    const held = holdNextRealmRequest(gh);
    const inFlight = fetch(`${gh.url}/realms/${realm.name}/.well-known/openid-configuration`).then(() => 'answered', () => 'cut off');
    await held.arrived;
    const started = Date.now();
    await gh.close();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await inFlight).toBe('cut off');
    expect(gh.logLines.join('')).toContain('cut off');
    held.release();
  });
});
