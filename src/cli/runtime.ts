// The CLI's runtime: the same database, config and services as the server, with logs at warn
// on stderr so stdout carries only the command's output. Plus the look-ups several commands share.
import { pino } from 'pino';
import { ProblemError } from '../http/problem.js';
import { createLogger } from '../observability/logger.js';
import type { OpenRuntime, Runtime } from './command.js';

export function runtimeOpener(source: Record<string, string | undefined> = process.env): { open: OpenRuntime; close(): Promise<void> } {
  let opened: Promise<Runtime> | undefined;
  return {
    // Imported here, not above: --help and usage errors need no database. The runtime never loads
    // the HTTP side (Express, oidc-provider).
    open: (env = {}) => (opened ??= import('../runtime.js').then(({ openRuntime }) => openRuntime({ ...source, ...env }, createLogger('warn', pino.destination(2))))),
    async close() {
      // A failed open has already cleaned up after itself.
      const runtime = await opened?.catch(() => undefined);
      await runtime?.close();
    },
  };
}

const notFound = (code: string, detail: string) => new ProblemError(404, code, 'Not found', detail);

export async function findRealm(runtime: Runtime, name: string) {
  const realm = await runtime.services.realms.findByName(name);
  if (!realm) throw notFound('realm_not_found', `No realm named "${name}"; "gatehouse realm list" shows the realms.`);
  return realm;
}

/** A developer account: a user of the reserved admin realm. */
export async function findDeveloper(runtime: Runtime, email: string) {
  const adminRealm = await runtime.services.realms.ensureAdminRealm();
  const developer = await runtime.services.forRealm(adminRealm).scope.users.findByEmail(email);
  if (!developer) throw notFound('developer_not_found', `No developer account with email "${email}"; create one with "gatehouse admin create".`);
  return { adminRealm, developer };
}
