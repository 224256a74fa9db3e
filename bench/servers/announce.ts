// The protocol between npm run bench and the servers it measures, each in a process of its own
// (V8's inline caches are per process: a bare provider and Gatehouse sharing one would slow each
// other down). A server starts, prints one line `BENCH-TARGET <json>` on stdout and serves until
// its stdin closes (the bench ended, or died). Each line `cpu` on its stdin is answered with
// `BENCH-CPU <µs>`: the CPU time the process has used so far (user + system).
import { createInterface } from 'node:readline';

export const ANNOUNCE = 'BENCH-TARGET ';
export const CPU = 'BENCH-CPU ';

/** What a server under test tells the bench: where to send each path's requests. */
export interface Target {
  /** The issuer's token endpoint and introspection endpoint. */
  tokenUrl: string;
  introspectionUrl: string;
  clientId: string;
  clientSecret: string;
  /** A registered resource (RFC 8707) whose tokens are ES256 JWTs (RFC 9068), and a scope of it. */
  resource: string;
  scope: string;
  /** With BENCH_SIGN_IN_USERS set (hosted-sign-in.ts): a first-party web app and users to sign in. */
  signIn?: SignInTarget;
}

export interface SignInTarget {
  origin: string;
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Registered, exactly, as the app's redirect URI. */
  redirectUri: string;
  /** Distinct users sharing one password. */
  emails: string[];
  password: string;
  /** The server's argon2id parameters, for the bench's baseline. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
}

export function announce(target: Target, close: () => Promise<void>) {
  process.stdout.write(`${ANNOUNCE}${JSON.stringify(target)}\n`);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${CPU}${user + system}\n`);
  });
  process.stdin.on('end', () => void close().finally(() => process.exit(0)));
}
