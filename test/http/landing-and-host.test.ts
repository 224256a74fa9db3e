// What a newcomer meets first: GET / is a landing page, and browser pages opened on another host
// than BASE_URL's (127.0.0.1 vs localhost) are sent to BASE_URL, so their cookies live on one
// host. Machine endpoints answer on any host. node:http sends the forged Host (fetch drops it).
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse({ DEMO: 'true' });

function get(path: string, host: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(gh().url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers: { host, accept: 'text/html' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the landing page', () => {
  it('says what this server is and links the demo, the demo realm discovery, the API and next steps, with no script', async () => {
    const res = await get('/', new URL(gh().url).host);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('OpenID Connect identity provider');
    expect(res.body).toContain('href="/demo"');
    expect(res.body).toContain('href="/realms/demo/.well-known/openid-configuration"');
    expect(res.body).toContain(`${gh().url}/api/v1`);
    expect(res.body).toContain('npx gatehouse admin create');
    // No SMTP_URL outside production: the mail of a first sign-up is in the development outbox.
    expect(res.body).toContain('href="/dev/mail"');
    expect((await get('/dev/mail', new URL(gh().url).host)).status).toBe(200);
    expect(res.body).not.toMatch(/<script/i);
    const discovery = await fetch(new URL('/realms/demo/.well-known/openid-configuration', gh().url));
    expect(discovery.status).toBe(200);
  });
});

describe('browser pages on another host than BASE_URL', () => {
  const other = () => `localhost:${new URL(gh().url).port}`;

  it.each([
    ['/'],
    ['/demo'],
    ['/demo/login?x=1'],
    ['/realms/demo/authorize?client_id=abc&scope=openid'],
    ['/realms/demo/interaction/some-uid'],
  ])('redirects GET %s to the same path on BASE_URL', async (path) => {
    const res = await get(path, other());
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe(`${gh().url}${path}`);
  });

  it('redirects HEAD too, and ignores a forged Host as target (always BASE_URL)', async () => {
    const res = await get('/demo', 'evil.example', 'HEAD');
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe(`${gh().url}/demo`);
  });

  it.each([
    ['/realms/demo/.well-known/openid-configuration', 200],
    ['/realms/demo/jwks', 200],
    ['/healthz', 200],
    ['/api/v1/realms', 401],
  ])('answers machine endpoint %s on any host', async (path, status) => {
    expect((await get(path, other())).status).toBe(status);
  });

  it('serves pages on the right host without a redirect', async () => {
    expect((await get('/demo', new URL(gh().url).host)).status).toBe(200);
  });
});
