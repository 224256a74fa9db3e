// A minimal user agent for flows through hosted pages without JavaScript: a cookie jar
// (tough-cookie: path and expiry rules like a browser), manual redirects, and form submission
// read from the returned HTML. Stops when a redirect leaves the server (the client's redirect_uri).
import { CookieJar } from 'tough-cookie';

export interface Page {
  status: number;
  url: string;
  html: string;
  headers: Headers;
}

export class Browser {
  readonly jar = new CookieJar();

  /** `userAgent`: the User-Agent header to send (Node's own otherwise). */
  constructor(private readonly origin: string, private readonly userAgent?: string) {}

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/html', ...(this.userAgent ? { 'user-agent': this.userAgent } : {}) };
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) await this.jar.setCookie(c, url);
    return res;
  }

  /** Follows redirects on this server; returns the final page, or the external URL redirected to. */
  async navigate(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Page & { leftTo?: string }> {
    let res = await this.request(url, init);
    let current = url;
    for (let hops = 0; hops < 20 && res.status >= 300 && res.status < 400; hops++) {
      const next = new URL(res.headers.get('location') ?? '', current).href;
      if (!next.startsWith(this.origin)) return { status: res.status, url: current, html: '', headers: res.headers, leftTo: next };
      current = next;
      res = await this.request(current);
    }
    return { status: res.status, url: current, html: await res.text(), headers: res.headers };
  }

  /** Submits the first form on the page whose action contains `actionPart`, with `fields` added. */
  async submit(page: Page, actionPart: string, fields: Record<string, string> = {}) {
    const form = formOn(page.html, actionPart);
    return this.navigate(new URL(form.action, page.url).href, { form: { ...form.fields, ...fields } });
  }
}

export function formOn(html: string, actionPart: string): { action: string; fields: Record<string, string> } {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  for (const [, attrs, inner] of forms) {
    const action = decode(/action="([^"]*)"/.exec(attrs ?? '')?.[1] ?? '');
    if (!action.includes(actionPart)) continue;
    const fields: Record<string, string> = {};
    for (const [, input] of (inner ?? '').matchAll(/<input\b([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(input ?? '')?.[1];
      if (name && /type="hidden"/.test(input ?? '')) fields[name] = decode(/value="([^"]*)"/.exec(input ?? '')?.[1] ?? '');
    }
    return { action, fields };
  }
  throw new Error(`no form with action containing ${actionPart} in:\n${html.slice(0, 2000)}`);
}

function decode(s: string) {
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
