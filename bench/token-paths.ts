// The paths npm run bench measures, one row each: how to ask a server under test (servers/) for
// it, and how to tell a right answer from a wrong one (checked once per server before loading
// it, so a misconfigured server cannot pass for a fast one). Add a row here to bench a path.
import type { Target } from './servers/announce.js';

export interface BenchRequest {
  url: string;
  body: string;
}

export interface TokenPath {
  name: string;
  /** The request the load repeats; may first obtain what it needs (a token to introspect). */
  request(target: Target): Promise<BenchRequest>;
  /** Whether one answer is what the path should give. */
  check(status: number, body: Record<string, unknown>): boolean;
}

export const basicAuth = (t: Target) => `Basic ${Buffer.from(`${encodeURIComponent(t.clientId)}:${encodeURIComponent(t.clientSecret)}`).toString('base64')}`;

export async function post(t: Target, { url, body }: BenchRequest) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(t) }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const CC = 'grant_type=client_credentials';
const isJwt = (v: unknown) => typeof v === 'string' && v.split('.').length === 3;

export const TOKEN_PATHS: TokenPath[] = [
  {
    name: 'client_credentials, opaque',
    request: async (t) => ({ url: t.tokenUrl, body: CC }),
    check: (status, body) => status === 200 && typeof body.access_token === 'string' && !isJwt(body.access_token),
  },
  {
    name: 'client_credentials, JWT (ES256 at+jwt)',
    request: async (t) => ({ url: t.tokenUrl, body: `${CC}&resource=${encodeURIComponent(t.resource)}&scope=${t.scope}` }),
    check: (status, body) => status === 200 && isJwt(body.access_token),
  },
  {
    name: 'introspection, opaque',
    async request(t) {
      const issued = await post(t, { url: t.tokenUrl, body: CC });
      return { url: t.introspectionUrl, body: `token=${String(issued.body.access_token)}` };
    },
    check: (status, body) => status === 200 && body.active === true,
  },
];
