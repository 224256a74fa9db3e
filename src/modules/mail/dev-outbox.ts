// The development outbox: outside production without SMTP_URL, "delivering" a mail writes it as
// a JSON file under DATA_DIR/dev-mail/<id>.json (mode 0600), which /dev/mail shows. Files, not
// memory, so a mail survives a restart of `npm start`. The outbox row itself is erased of its
// sealed data like any sent message; only this local development copy keeps the links.
import { mkdir, readFile, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MailTransport, OutgoingMail } from './mail-transport.js';

/** Past this many files, the oldest are removed. */
const KEEP = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface DevMail extends OutgoingMail {
  deliveredAt: string;
}

export const devOutboxDir = (dataDir: string) => join(dataDir, 'dev-mail');

export function createDevOutbox(dataDir: string): MailTransport {
  const dir = devOutboxDir(dataDir);
  return {
    kind: 'dev-outbox',
    async send(mail) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const file: DevMail = { ...mail, deliveredAt: new Date().toISOString() };
      await writeFile(join(dir, `${mail.id}.json`), JSON.stringify(file), { mode: 0o600 });
      await prune(dir);
    },
    close: () => undefined,
  };
}

async function prune(dir: string) {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  if (names.length <= KEEP) return;
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => a.t - b.t);
  await Promise.all(dated.slice(0, names.length - KEEP).map((d) => unlink(join(dir, d.n)).catch(() => undefined)));
}

/** The delivered copy of outbox row `id`, or undefined. `id` is checked to be a UUID: it names a file. */
export async function readDevMail(dataDir: string, id: string): Promise<DevMail | undefined> {
  if (!UUID.test(id)) return undefined;
  try {
    return JSON.parse(await readFile(join(devOutboxDir(dataDir), `${id}.json`), 'utf8')) as DevMail;
  } catch {
    return undefined;
  }
}
