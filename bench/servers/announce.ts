// The protocol between npm run bench and the servers it measures, each in a process of its own
// (V8's inline caches are per process: a bare provider and Gatehouse sharing one would slow each
// other down). A server starts, prints one line `BENCH-TARGET <json>` on stdout and serves until
// its stdin closes (the bench ended, or died).
export const ANNOUNCE = 'BENCH-TARGET ';

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
}

export function announce(target: Target, close: () => Promise<void>) {
  process.stdout.write(`${ANNOUNCE}${JSON.stringify(target)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void close().finally(() => process.exit(0)));
}
