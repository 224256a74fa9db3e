// First run: while no developer account (a user of the reserved admin realm) exists, the console
// offers to create one. An exposed fresh server must not be claimable by whoever finds it first,
// so the offer is open only to a request from this machine (a loopback peer with no proxy
// header) or one carrying the setup token: CONSOLE_SETUP_TOKEN, or 24 random bytes drawn at
// the first start and written to DATA_DIR/console-setup-token (0600; the start-up log says where,
// never what: no token in a log line). The file is the operator's to read, as Jenkins'
// initialAdminPassword is; processes sharing DATA_DIR share it (the first to create it wins), a
// restart before the claim reuses it, and it is deleted once a developer exists. Only its SHA-256
// is kept in memory; it works once; once any developer exists the offer is closed for good.
import type { Request } from 'express';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_REALM } from '../realms/realm-scope.js';
import { constantTimeEqual, randomToken, sha256 } from '../security/tokens.js';
import type { Services } from '../services.js';

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3})$/;

/** A request straight from this machine: a loopback peer, and no proxy said it forwards someone else. */
export function fromLoopback(req: Request): boolean {
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false;
  return LOOPBACK.test(req.socket.remoteAddress ?? '');
}

export const SETUP_TOKEN_FILE = 'console-setup-token';
const DRAWN = /^[A-Za-z0-9_-]{32,}$/;

/** The drawn token in `file`: the one there (another process's, or an earlier start's), else a new one written there. */
async function drawnToken(file: string): Promise<string> {
  for (;;) {
    const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (DRAWN.test(existing)) return existing;
    const token = randomToken(24);
    try {
      // 'wx': of processes starting together, one creates the file and the others read it.
      await writeFile(file, `${token}\n`, { flag: existing ? 'w' : 'wx', mode: 0o600 });
      return token;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

export function createConsoleSetup(services: Services, opts: { configured?: string; dataDir: string }) {
  const file = join(opts.dataDir, SETUP_TOKEN_FILE);
  let tokenHash: string | undefined = opts.configured ? sha256(opts.configured) : undefined;
  let claimed = false;

  const adminRealm = () => services.realms.ensureAdminRealm();
  const removeFile = () => unlink(file).catch(() => undefined);

  return {
    /** Where a drawn token is, for the start-up log (a configured one is the operator's to know). */
    tokenFile: opts.configured ? undefined : file,
    /**
     * True while no developer account exists. The first call draws (or reads) the token file
     * when no token is configured, and deletes a stale one when the offer is already closed.
     */
    async open(): Promise<boolean> {
      if (claimed) return false;
      const [any] = await services.forRealm(await adminRealm()).users.list(1);
      if (any) {
        claimed = true;
        tokenHash = undefined;
        if (!opts.configured) await removeFile();
        return false;
      }
      if (!tokenHash) {
        await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
        tokenHash = sha256(await drawnToken(file));
      }
      return true;
    },
    /** Whether this request may create the first account (the token is spent by close()). */
    admit(req: Request, given: string): boolean {
      if (fromLoopback(req)) return true;
      return Boolean(tokenHash && given && constantTimeEqual(sha256(given), tokenHash));
    },
    /** Closes the offer and spends the token (the first account exists). */
    async close() {
      claimed = true;
      tokenHash = undefined;
      if (!opts.configured) await removeFile();
    },
    adminRealm,
    realmName: ADMIN_REALM,
  };
}

export type ConsoleSetup = ReturnType<typeof createConsoleSetup>;
