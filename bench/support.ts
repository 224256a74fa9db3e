// What the benchmarks share: the client_credentials request they send, and a whole Gatehouse
// (the one the tests start) with its token limits out of the way, to send it to; the limit
// argon2id sets for password sign-ins; order statistics.
import argon2 from 'argon2';
import { performance } from 'node:perf_hooks';
import { buildApp, buildRealm } from '../test/support/builders.js';
import { startTestGatehouse } from '../test/support/gatehouse.js';

/** autocannon options for one client_credentials token request with HTTP Basic client authentication. */
export const tokenRequest = (url: string, clientId: string, secret: string, connections: number) => ({
  url,
  method: 'POST' as const,
  connections,
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
  body: 'grant_type=client_credentials',
});

/** Starts a Gatehouse with a realm and a service app, runs `measure` on its token endpoint, stops it. */
export async function measureGatehouse<T>(logLevel: string, measure: (url: string, clientId: string, secret: string) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const gh = await startTestGatehouse({ LOG_LEVEL: logLevel, RATE_LIMIT_TOKEN_PER_IP: '100000000', RATE_LIMIT_TOKEN_PER_CLIENT: '100000000', ...env });
  try {
    const realm = await buildRealm(gh);
    const { app, clientSecret } = await buildApp(gh, realm, { type: 'service', redirectUris: [], postLogoutRedirectUris: [] });
    return await measure(`${gh.url}/realms/${realm.name}/token`, app.clientId, clientSecret!);
  } finally {
    await gh.close();
  }
}

/** The login limits of a Gatehouse for sign-in benches: no throttle or lockout refuses the load. */
export const SIGN_IN_LIMITS_OFF = { RATE_LIMIT_LOGIN_PER_IP: '100000000', RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000000', LOCKOUT_FAILURES: '100000000' };

/** argon2id verifies done in `seconds` with `connections` in flight, at `params` (a Gatehouse's config.argon2), and the process's CPU time (all threads) they took. */
export async function argon2Run(params: { memoryCost: number; timeCost: number; parallelism: number }, seconds: number, connections: number) {
  const password = 'correct horse battery staple';
  const hash = await argon2.hash(password, { type: argon2.argon2id, ...params });
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < until) {
      await argon2.verify(hash, password);
      done++;
    }
  }));
  return { done, cpuMs: cpuMs(cpu) };
}

/** Milliseconds of CPU time (user + system, every thread of the process) since `since`. */
export const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/**
 * What a sign-in costs outside argon2id: the process's CPU per sign-in in the run less the CPU
 * per verify of the argon2id baseline. The load generator runs in the same process, so its
 * share (fetch, cookies, HTML) is in the figure too.
 */
export function cpuOutsideArgon2(run: { cpuMs: number; count: number }, baseline: Array<{ cpuMs: number; done: number }>) {
  const perVerify = baseline.reduce((a, b) => a + b.cpuMs, 0) / baseline.reduce((a, b) => a + b.done, 0);
  const perSignIn = run.cpuMs / run.count;
  return `CPU per sign-in ${perSignIn.toFixed(1)} ms (all threads), argon2id verify ${perVerify.toFixed(1)} ms, the rest ${(perSignIn - perVerify).toFixed(1)} ms`;
}

/** The q-quantile (0.5: median) of `xs`, 0 for none. */
export const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;
export const median = (xs: number[]) => quantile(xs, 0.5);
