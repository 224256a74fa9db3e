// Passkeys: (1) CPU per assertion verification (the server's verifyAssertion of
// src/modules/passkeys/passkey-assertion.ts, what a sign-in runs, on ES256 assertions whose
// signatures the software authenticator of test/support made beforehand), issue 9's "well under
// a millisecond", beside @simplewebauthn/server's verifyAuthenticationResponse on the same ones;
// (2) the whole sign-in round trip through the hosted pages, one at a time: authorize → login page → options → assertion → code, against
// the password sign-in (authorize → login page → argon2id → code) in the same run.
// Usage: npm run bench:passkey [-- --verifications 2000 --sign-ins 40]; DATABASE_URL / REDIS_URL are honoured.
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { parseArgs } from 'node:util';
import { verifyAssertion } from '../src/modules/passkeys/passkey-assertion.js';
import { Browser } from '../test/support/browser.js';
import { buildApp, buildRealm, buildUser } from '../test/support/builders.js';
import { startTestGatehouse, type TestGatehouse } from '../test/support/gatehouse.js';
import { SoftwareAuthenticator } from '../test/support/software-authenticator.js';

const { values } = parseArgs({ options: { verifications: { type: 'string', default: '2000' }, 'sign-ins': { type: 'string', default: '40' } } });
const VERIFICATIONS = Number(values.verifications);
const SIGN_INS = Number(values['sign-ins']);
const CALLBACK = 'http://localhost:8080/cb';

async function verificationCpu(gh: TestGatehouse) {
  const realm = await buildRealm(gh);
  const user = await buildUser(gh, realm);
  const scope = gh.services.forRealm(realm).scope;
  const authenticator = new SoftwareAuthenticator({ origin: gh.url });
  const started = await gh.services.passkeys.registrationOptions(scope, user, 'bench');
  if (!started.ok) throw new Error(started.code);
  const done = await gh.services.passkeys.verifyRegistration(scope, user.id, 'bench', authenticator.register(started.options), '', { actor: 'bench' });
  if (!done.ok) throw new Error(done.code);
  const credential = { id: done.passkey.credentialId, publicKey: new Uint8Array(done.passkey.publicKey), counter: 0 };
  const challenge = Buffer.from('bench challenge of 32 bytes.....').toString('base64url');
  const assertions = Array.from({ length: VERIFICATIONS }, () => authenticator.assert({ challenge }));
  const expected = { expectedChallenge: challenge, expectedOrigin: gh.url, expectedRPID: new URL(gh.url).hostname, requireUserVerification: true };
  const server = async (a: (typeof assertions)[number]) => (await verifyAssertion({ ...expected, response: a.response, publicKey: credential.publicKey })).ok;
  const library = async (a: (typeof assertions)[number]) => (await verifyAuthenticationResponse({ ...expected, response: a as never, credential })).verified;
  return { server: await cpuOf(server, assertions), library: await cpuOf(library, assertions) };
}

/** CPU (all threads: WebCrypto works off the main thread) and wall time per call, after 50 warm-up calls. */
async function cpuOf<T>(verify: (a: T) => Promise<boolean>, assertions: T[]) {
  for (const a of assertions.slice(0, 50)) await verify(a);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (const a of assertions) if (!(await verify(a))) throw new Error('assertion not verified');
  const used = process.cpuUsage(cpu);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  return `${((used.user + used.system) / assertions.length).toFixed(0)} µs CPU, ${((wallMs * 1000) / assertions.length).toFixed(0)} µs wall each`;
}

/** One sign-in to the code on the callback, by passkey or by password; its wall time in ms. */
async function signInOnce(gh: TestGatehouse, authorize: string, how: { email: string; password: string } | SoftwareAuthenticator) {
  const browser = new Browser(gh.url);
  const start = process.hrtime.bigint();
  const login = await browser.navigate(authorize);
  let end: { leftTo?: string };
  if (how instanceof SoftwareAuthenticator) {
    const box = /<div id="passkey-sign-in"[^>]*>/.exec(login.html)![0];
    const attr = (n: string) => new URL(new RegExp(`${n}="([^"]*)"`).exec(box)![1]!.replace(/&amp;/g, '&'), login.url).href;
    const csrf = /data-csrf="([^"]*)"/.exec(box)![1]!;
    const post = async (url: string, body: object) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', cookie: await browser.jar.getCookieString(url) }, body: JSON.stringify({ _csrf: csrf, ...body }) });
      if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { challenge?: string; redirect?: string };
    };
    const options = await post(attr('data-options-url'), {});
    const { redirect } = await post(attr('data-verify-url'), { credential: how.assert({ challenge: options.challenge! }) });
    end = await browser.navigate(new URL(redirect!, gh.url).href);
  } else {
    end = await browser.submit(login, '/login', { email: how.email, password: how.password });
  }
  if (!end.leftTo?.startsWith(CALLBACK)) throw new Error('the sign-in did not reach the app');
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms`;
};

async function main() {
  const gh = await startTestGatehouse({ LOG_LEVEL: 'warn' });
  try {
    const cpu = await verificationCpu(gh);
    console.log(`assertion verification (ES256, ${VERIFICATIONS}x): server ${cpu.server}; @simplewebauthn/server verifyAuthenticationResponse ${cpu.library}`);

    const realm = await buildRealm(gh);
    const { app } = await buildApp(gh, realm, { firstParty: true, redirectUris: [CALLBACK] });
    const user = await buildUser(gh, realm);
    const authenticator = new SoftwareAuthenticator({ origin: gh.url });
    const scope = gh.services.forRealm(realm).scope;
    const started = await gh.services.passkeys.registrationOptions(scope, user, 'bench');
    if (!started.ok) throw new Error(started.code);
    await gh.services.passkeys.verifyRegistration(scope, user.id, 'bench', authenticator.register(started.options), '', { actor: 'bench' });
    const url = new URL(`${gh.url}/realms/${realm.name}/authorize`);
    for (const [k, v] of Object.entries({ client_id: app.clientId, response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })) url.searchParams.set(k, v);

    const passkey: number[] = [];
    const password: number[] = [];
    for (let i = 0; i < 3; i++) await Promise.all([signInOnce(gh, url.href, authenticator), signInOnce(gh, url.href, user)]);
    // Alternated, so both see the same machine.
    for (let i = 0; i < SIGN_INS; i++) {
      passkey.push(await signInOnce(gh, url.href, authenticator));
      password.push(await signInOnce(gh, url.href, user));
    }
    console.log(`sign-in round trip, one at a time (${SIGN_INS} each): passkey ${stats(passkey)}; password ${stats(password)}`);
  } finally {
    await gh.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
