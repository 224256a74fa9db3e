// A real SMTP server (the `smtp-server` package) for tests: Gatehouse started with
// `{ SMTP_URL: capture.url }` delivers to it over TCP like to any mail server, and tests read what
// arrived (subject, From, both bodies, the links in the text) and follow the links.
//
//   const smtp = await startSmtpCapture();            // or { user, pass } to require AUTH
//   const gh = useGatehouse({ SMTP_URL: smtp.url });  // (start smtp first, e.g. in beforeAll)
//   const mail = await smtp.waitFor('ada@example.com', (m) => m.subject.includes('Verify'));
//   await fetch(mail.links[0]);
//   smtp.refuse();  ... smtp.accept();                // simulate an outage (451 to every MAIL FROM)
//   await smtp.stop();
//
// The MIME parsing here is just enough for what nodemailer writes: headers (RFC 5322 folding,
// RFC 2047 encoded words), multipart/* bodies, quoted-printable and base64 transfer encodings.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { startTestGatehouse, type TestGatehouse } from './gatehouse.js';

export interface CapturedMail {
  /** Envelope recipients, lower-cased. */
  to: string[];
  /** The From header as sent, decoded (e.g. `"Acme" <no-reply@example.com>`). */
  from: string;
  subject: string;
  text: string;
  html: string;
  /** Absolute http(s) URLs found in the text body, in order. */
  links: string[];
  headers: Record<string, string>;
  raw: string;
}

export interface SmtpCapture {
  /** smtp://[user:pass@]127.0.0.1:<port> */
  url: string;
  messages: CapturedMail[];
  /** Answer 451 (try again later) to every new message until accept(). */
  refuse(): void;
  accept(): void;
  /** How many messages were refused so far (each delivery attempt made during an outage). */
  refusedCount(): number;
  /** Answer 550 (no such mailbox, a permanent failure) to every message for `address`. */
  reject(address: string): void;
  /** The first message to `to` (matching `predicate`), waiting for it up to `timeoutMs`. */
  waitFor(to: string, predicate?: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /** Every message to `to` so far. */
  to(address: string): CapturedMail[];
  stop(): Promise<void>;
}

export async function startSmtpCapture(opts: { user?: string; pass?: string } = {}): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  let refusing = false;
  let refused = 0;
  const rejected = new Set<string>();
  const needsAuth = Boolean(opts.user);
  const server = new SMTPServer({
    // Plain TCP on loopback: no STARTTLS offered, so nodemailer does not try to upgrade.
    disabledCommands: needsAuth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !needsAuth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === opts.user && auth.password === opts.pass) return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onMailFrom(_address, _session, callback) {
      if (!refusing) return callback();
      refused += 1;
      const err = Object.assign(new Error('Service temporarily unavailable, try again later'), { responseCode: 451 });
      return callback(err);
    },
    onRcptTo(address, _session, callback) {
      if (!rejected.has(address.address.toLowerCase())) return callback();
      return callback(Object.assign(new Error(`<${address.address}>: no such mailbox here`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        messages.push(parseMail(raw, to));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;
  const auth = needsAuth ? `${encodeURIComponent(opts.user ?? '')}:${encodeURIComponent(opts.pass ?? '')}@` : '';
  const toAddress = (address: string) => messages.filter((m) => m.to.includes(address.toLowerCase()));

  return {
    url: `smtp://${auth}127.0.0.1:${port}`,
    messages,
    refuse: () => void (refusing = true),
    accept: () => void (refusing = false),
    refusedCount: () => refused,
    reject: (address) => void rejected.add(address.toLowerCase()),
    to: toAddress,
    async waitFor(address, predicate = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = toAddress(address).find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${address} within ${timeoutMs} ms (${messages.length} captured in all)`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Part {
  headers: Record<string, string>;
  body: string;
}

function splitPart(raw: string): Part {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const headers: Record<string, string> = {};
  // Unfold (RFC 5322 §2.2.3): a line starting with white space continues the previous one.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

/** RFC 2047 encoded words (=?utf-8?Q?...?= and =?utf-8?B?...?=). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

function decodeBody(part: Part): string {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = part.body.replace(/=\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return part.body;
}

/** The text/plain and text/html leaves of a (possibly nested) multipart body. */
function leaves(part: Part): Part[] {
  const type = part.headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!/^multipart\//i.test(type) || !boundary) return [part];
  const sections = part.body.split(`--${boundary}`).slice(1);
  return sections.filter((s) => !s.startsWith('--')).flatMap((s) => leaves(splitPart(s.replace(/^\n/, ''))));
}

export function parseMail(raw: string, to: string[]): CapturedMail {
  const top = splitPart(raw);
  const parts = leaves(top);
  const ofType = (t: string) => parts.find((p) => (p.headers['content-type'] ?? 'text/plain').toLowerCase().startsWith(t));
  const textPart = ofType('text/plain');
  const htmlPart = ofType('text/html');
  const text = textPart ? decodeBody(textPart).replace(/\n$/, '') : '';
  const html = htmlPart ? decodeBody(htmlPart) : '';
  const headers = Object.fromEntries(Object.entries(top.headers).map(([k, v]) => [k, decodeWords(v)]));
  return {
    to,
    from: headers.from ?? '',
    subject: headers.subject ?? '',
    text,
    html,
    links: [...text.matchAll(/https?:\/\/[^\s<>"')]+/g)].map((m) => m[0]),
    headers,
    raw,
  };
}

/**
 * A capture server and a Gatehouse delivering to it, for the enclosing file or describe block:
 *   const { gh, smtp } = useGatehouseWithSmtp();
 * The worker polls every 100 ms here (MAIL_WORKER_INTERVAL_MS), so mail arrives within a moment.
 */
export function useGatehouseWithSmtp(env: Record<string, string> = {}, opts: { auth?: { user: string; pass: string }; gatehouse?: () => Parameters<typeof startTestGatehouse>[1] } = {}) {
  let smtp: SmtpCapture | undefined;
  let gh: TestGatehouse | undefined;
  beforeAll(async () => {
    smtp = await startSmtpCapture(opts.auth);
    gh = await startTestGatehouse({ SMTP_URL: smtp.url, MAIL_WORKER_INTERVAL_MS: '100', ...env }, opts.gatehouse?.());
  });
  afterAll(async () => {
    await gh?.close();
    await smtp?.stop();
  });
  return {
    gh: () => gh ?? fail('the Gatehouse is not started yet'),
    smtp: () => smtp ?? fail('the SMTP server is not started yet'),
  };
}

const fail = (message: string): never => {
  throw new Error(message);
};
