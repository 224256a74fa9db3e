// First run: while no developer account (a user of the reserved admin realm) exists, the console
// offers to create one. An exposed fresh server must not be claimable by whoever finds it first,
// so the offer is open only to a request from this machine (a loopback peer with no proxy
// header) or one carrying the setup token: CONSOLE_SETUP_TOKEN, or 24 random bytes drawn at
// start and printed in the start-up log. Only its SHA-256 is kept; it works once; once any
// developer exists the offer is closed for good in this process.
import type { Request } from 'express';
import { ADMIN_REALM } from '../realms/realm-scope.js';
import { constantTimeEqual, randomToken, sha256 } from '../security/tokens.js';
import type { Services } from '../services.js';

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3})$/;

/** A request straight from this machine: a loopback peer, and no proxy said it forwards someone else. */
export function fromLoopback(req: Request): boolean {
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false;
  return LOOPBACK.test(req.socket.remoteAddress ?? '');
}

export function createConsoleSetup(services: Services, configured?: string) {
  const token = configured ?? randomToken(24);
  let tokenHash: string | undefined = sha256(token);
  let claimed = false;

  const adminRealm = () => services.realms.ensureAdminRealm();

  return {
    /** The token to print at start, when it was drawn here (a configured one is the operator's to know). */
    printable: configured ? undefined : token,
    /** True while no developer account exists. */
    async open(): Promise<boolean> {
      if (claimed) return false;
      const [any] = await services.forRealm(await adminRealm()).users.list(1);
      if (any) claimed = true;
      return !claimed;
    },
    /** Whether this request may create the first account (the token is spent by close()). */
    admit(req: Request, given: string): boolean {
      if (fromLoopback(req)) return true;
      return Boolean(tokenHash && given && constantTimeEqual(sha256(given), tokenHash));
    },
    /** Closes the offer and spends the token (the first account exists). */
    close() {
      claimed = true;
      tokenHash = undefined;
    },
    adminRealm,
    realmName: ADMIN_REALM,
  };
}

export type ConsoleSetup = ReturnType<typeof createConsoleSetup>;
