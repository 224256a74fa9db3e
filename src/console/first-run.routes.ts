// GET /console and POST /console/setup while no developer account exists (console-setup.ts):
// the form that creates the first one. Afterwards these routes step aside for the sign-in.
import { Router } from 'express';
import type { Csrf } from '../http/csrf.js';
import type { Logger } from '../observability/logger.js';
import { actorFromRequest } from '../modules/audit/actor.js';
import { attempt, field, type ConsoleKit } from './console-kit.js';
import { fromLoopback, type ConsoleSetup } from './console-setup.js';

export function firstRunRoutes({ setup, kit, csrf, logger }: { setup: ConsoleSetup; kit: ConsoleKit; csrf: Csrf; logger: Logger }): Router {
  const router = Router();
  const show = (req: Parameters<Csrf['token']>[0], res: Parameters<Csrf['token']>[1], data: Record<string, unknown> = {}, status = 200) =>
    kit.page(res, 'first-run', { title: 'Create the first developer account', needsToken: !fromLoopback(req), csrfToken: csrf.token(req, res), errors: [], email: '', ...data }, status);

  router.get('/', async (req, res, next) => {
    if (!(await setup.open())) return next();
    show(req, res);
  });

  router.post('/setup', kit.form, kit.csrf, async (req, res) => {
    if (!(await setup.open())) return res.redirect(303, '/console');
    const email = field(req, 'email');
    if (!setup.admit(req, field(req, 'setup_token'))) {
      logger.warn({ ip: req.ip }, 'console first run refused: not from this machine and no valid setup token');
      return show(req, res, { email, errors: ['The setup token is missing or wrong. Use CONSOLE_SETUP_TOKEN, or the one in the file console-setup-token in the server\'s data folder (DATA_DIR).'] }, 403);
    }
    const password = String((req.body as Record<string, unknown>).password ?? '');
    const admin = kit.services.forRealm(await setup.adminRealm());
    const created = await attempt(() => admin.users.create({ email, password, emailVerified: true }, actorFromRequest(req, 'console-setup')));
    if (!created.ok) return show(req, res, { email, errors: created.messages }, created.status);
    await setup.close();
    logger.info({ developer: created.value.id }, 'console: first developer account created');
    kit.page(res, 'first-run-done', { title: 'Developer account created', email: created.value.email });
  });
  return router;
}
