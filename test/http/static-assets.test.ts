// Browser scripts come from Gatehouse itself: npm packages' browser builds under
// /static/vendor/<name>/, nothing outside the listed folders, and the page CSP that allows them
// names 'self' only (no inline script, no other origin).
import { describe, expect, it } from 'vitest';
import { useGatehouse } from '../support/gatehouse.js';
import { createViews, PAGE_HEADERS, SCRIPTED_PAGE_HEADERS } from '../../src/http/views.js';

const gh = useGatehouse();

describe('static assets', () => {
  it('serves the WebAuthn browser module from node_modules as JavaScript', async () => {
    const res = await fetch(new URL('/static/vendor/simplewebauthn/index.js', gh().url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('startAuthentication');
  });

  it('reaches nothing outside the listed folders', async () => {
    for (const path of ['/static/vendor/simplewebauthn/../package.json', '/static/vendor/simplewebauthn/%2e%2e/package.json', '/static/vendor/nope/index.js', '/static/../package.json', '/static/vendor/simplewebauthn/.hidden']) {
      const res = await fetch(new URL(path, gh().url), { headers: { accept: 'application/json' } });
      expect([403, 404], path).toContain(res.status);
      expect(await res.text(), path).not.toContain('"name"');
    }
  });

  it('sends a page that asks for scripts with a self-only script CSP and module tags, and other pages with none', () => {
    const views = createViews(false);
    const sent: { headers: Record<string, string>; body: string }[] = [];
    const res = { locals: {}, status() { return this; }, set(h: Record<string, string>) { sent.push({ headers: h, body: '' }); return this; }, send(b: string) { sent.at(-1)!.body = b; return this; } };
    views.send(res as never, 'error', { title: 'T', message: 'M', code: 'c' }, 400, { scripts: ['/static/js/x.js'] });
    views.send(res as never, 'error', { title: 'T', message: 'M', code: 'c' }, 400);
    expect(sent[0]!.headers).toBe(SCRIPTED_PAGE_HEADERS);
    const scriptSrc = SCRIPTED_PAGE_HEADERS['Content-Security-Policy']!.split('; ').find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(sent[0]!.body).toContain('<script type="module" src="/static/js/x.js"></script>');
    expect(sent[1]!.headers).toBe(PAGE_HEADERS);
    expect(sent[1]!.body).not.toContain('<script');
  });
});
