// The passkey account section mounted the way the account page mounts sections (the contract in
// src/modules/account/account-section.ts): on a realm router, behind a stand-in for the account
// session that sets res.locals.account. Its kit: forms and JSON parsed, a CSRF check on a fixed
// token, `recent` sending a stale session to /step-up, `done` back to the overview with the notice.
import express, { Router } from 'express';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { createViews } from '../../src/http/views.js';
import { resolveRealm } from '../../src/realms/realm-resolver.js';
import type { AccountContext, AccountRouteKit } from '../../src/modules/account/account-section.js';
import { createPasskeysAccountSection } from '../../src/modules/passkeys/passkeys.account-section.js';
import type { TestGatehouse } from '../support/gatehouse.js';

export const HARNESS_CSRF = 'harness-csrf-token';

export async function startAccountHarness(gh: TestGatehouse) {
  const views = createViews(false);
  const section = createPasskeysAccountSection({ views, services: gh.services });
  /** The account session of the next requests: whose page it is, and whether it is recent. */
  const session: { userId: string; recent: boolean } = { userId: '', recent: true };
  const kit: AccountRouteKit = {
    recent: (_req, res, next) => (res.locals.account.recent ? next() : res.redirect(303, '/step-up')),
    recentMfa: (_req, res, next) => (res.locals.account.recentMfa ? next() : res.redirect(303, '/step-up')),
    form: express.urlencoded({ extended: false, limit: '16kb' }),
    json: express.json({ limit: '64kb' }),
    csrf: (req, res, next) => ((req.body?._csrf ?? req.get('x-csrf-token')) === HARNESS_CSRF ? next() : res.status(403).send('csrf')),
    page: (_req, res, view, data, status = 200) => views.send(res, view, data, status),
    done: (_req, res, notice) => res.redirect(303, `${res.locals.account.base}?notice=${encodeURIComponent(notice)}`),
  };
  const account = Router({ mergeParams: true });
  account.use((req, res, next) => {
    const ctx: AccountContext = { userId: session.userId, authTime: 1_700_000_000, amr: ['pwd'], recent: session.recent, recentMfa: false, csrfToken: HARNESS_CSRF, base: `/realms/${req.params.realm}/account` };
    res.locals.account = ctx;
    next();
  });
  account.get('/', async (req, res) => void res.type('html').send(await section.render(req, res, res.locals.account)));
  const own = Router({ mergeParams: true });
  section.routes!(own, kit);
  account.use(`/${section.id}`, own);
  const app = express();
  app.use('/realms/:realm/account', resolveRealm(gh.pool, views), account);
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, session, section, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
