// Hosted password sign-in throughput through the real pages, as a browser without JavaScript
// does it (test/support/browser.ts): authorize (PKCE S256) → login page → POST email and
// password → consent if shown (a first-party app: not shown) → code on the redirect URI → code
// exchanged at /token, which must answer an access token and an ID token. N flows run at once,
// each with a fresh cookie jar and the next of DISTINCT users in turn.
// Gatehouse runs in a process of its own (servers/gatehouse.ts, as npm start runs it: request
// logs at info, durable audit), so the load generator (fetch, cookie jars, HTML forms: ~12 ms of
// main-thread CPU per flow, measured) no longer shares its event loop; it still shares the
// machine's cores. The server's own CPU per sign-in is read from its process.
// The baseline is the limit argon2id itself sets: verifies/s at Gatehouse's parameters and the
// same concurrency, measured before and after the flows in the same run (as direct-sign-in.ts).
// Issue 11's target: flows/s >= 0.80 of that limit. Any flow without both tokens fails the bench.
// Usage: npm run bench:hosted [-- --seconds 10 --connections 16 --users 200]; DATABASE_URL / REDIS_URL are honoured.
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Browser } from '../test/support/browser.js';
import { isMain, printRows, type BenchRow } from './report.js';
import type { SignInTarget } from './servers/announce.js';
import { startServer } from './servers/start.js';
import { argon2Run, cpuMs, cpuOutsideArgon2, quantile } from './support.js';

const TARGET = 0.8;

/** One whole sign-in; its wall time in ms. Throws unless the token endpoint answered both tokens. */
async function signIn(client: SignInTarget, email: string, password: string): Promise<number> {
  const started = performance.now();
  const browser = new Browser(client.origin);
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(client.authorizeUrl);
  const params = {
    client_id: client.clientId, response_type: 'code', scope: 'openid email', redirect_uri: client.redirectUri, state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  let page = await browser.navigate(url.href);
  if (!page.leftTo) page = await browser.submit(page, '/login', { email, password });
  if (!page.leftTo && page.html.includes('/consent"')) page = await browser.submit(page, '/consent');
  if (!page.leftTo?.startsWith(client.redirectUri)) throw new Error(`the sign-in did not reach the app (status ${page.status}): ${page.html.slice(0, 300)}`);
  const callback = new URL(page.leftTo);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== params.state) throw new Error(`no code (or another state) on the redirect: ${page.leftTo}`);
  const res = await fetch(client.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier }),
  });
  const tokens = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200 || typeof tokens.access_token !== 'string' || typeof tokens.id_token !== 'string') throw new Error(`token endpoint: ${res.status} ${JSON.stringify(tokens)}`);
  return performance.now() - started;
}

/** `connections` flows at once for `seconds`, or `flows` in all (the smoke); users taken in turn. */
async function load(client: SignInTarget, connections: number, until: { seconds?: number; flows?: number }) {
  const deadline = performance.now() + (until.seconds ?? Infinity) * 1000;
  const times: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < deadline && (until.flows === undefined || next < until.flows)) {
      const email = client.emails[next++ % client.emails.length]!;
      await signIn(client, email, client.password).then((ms) => times.push(ms), (err: unknown) => failures.push(String(err)));
    }
  }));
  return { times, failures, seconds: (performance.now() - started) / 1000 };
}

/** `smoke`: a handful of flows, to check the answers. */
export async function benchHostedSignIn({ seconds = 10, connections = 16, users = 200, smoke = false } = {}): Promise<BenchRow[]> {
  if (smoke) connections = Math.min(connections, 4);
  const server = await startServer('gatehouse', [], { BENCH_SIGN_IN_USERS: String(smoke ? 8 : users) });
  try {
    const client = server.target.signIn!;
    await signIn(client, client.emails[0]!, client.password); // the realm's provider is built on first use

    // As direct-sign-in.ts: argon2id alone for half the time before and half after the flows.
    const run = smoke ? { flows: 8 } : { seconds };
    const halves = smoke ? 0.5 : seconds / 2;
    const before = await argon2Run(client.argon2, halves, connections);
    const [serverBefore, generator] = [await server.cpu(), process.cpuUsage()];
    const flows = await load(client, connections, run);
    const [serverCpuMs, generatorCpuMs] = [((await server.cpu()) - serverBefore) / 1000, cpuMs(generator)];
    const after = await argon2Run(client.argon2, halves, connections);
    if (flows.failures.length) throw new Error(`hosted sign-in: ${flows.failures.length} of ${flows.failures.length + flows.times.length} flows failed; first: ${flows.failures[0]}`);
    if (!flows.times.length) throw new Error('hosted sign-in: no flow finished');

    const limit = (before.done + after.done) / (2 * halves);
    const rate = flows.times.length / flows.seconds;
    const ratio = rate / limit;
    const [p50, p99] = [quantile(flows.times, 0.5), quantile(flows.times, 0.99)];
    const { memoryCost, timeCost, parallelism } = client.argon2;
    const count = flows.times.length;
    console.log(`hosted sign-in: ${count} flows from ${Math.min(client.emails.length, count)} distinct users in ${flows.seconds.toFixed(1)} s, ${rate.toFixed(1)}/s  p50 ${p50.toFixed(0)} ms  p99 ${p99.toFixed(0)} ms; argon2id verify limit (m=${memoryCost} t=${timeCost} p=${parallelism}, ${connections} in flight) ${limit.toFixed(1)}/s`);
    console.log(`hosted sign-in: Gatehouse's process: ${cpuOutsideArgon2({ cpuMs: serverCpuMs, count }, [before, after])}; the load generator's process: ${(generatorCpuMs / count).toFixed(1)} ms per flow`);
    return [{
      name: 'hosted password sign-in (flows)', gatehouse: `${rate.toFixed(1)}/s (p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms)`, baseline: `argon2id ${limit.toFixed(1)} verifies/s`,
      ratio, target: `>= ${TARGET.toFixed(2)}`, met: ratio >= TARGET,
    }];
  } finally {
    await server.stop();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' }, users: { type: 'string', default: '200' } } });
  const rows = await benchHostedSignIn({ seconds: Number(values.seconds), connections: Number(values.connections), users: Number(values.users) });
  process.exitCode = printRows(rows) ? 1 : 0;
}
