// Apps of a realm in the console: list, create by type, the app page (client id, connect panel,
// redirect and logout URIs, API access), secret rotation with a grace period, delete. A
// confidential app's secret is shown once, on the page the create or rotate form answers with
// (never in a URL, never stored in clear: apps.service.ts). Rotating and deleting need a recent sign-in.
import { Router, type Request, type Response } from 'express';
import { APP_TYPES, type ApiAccess } from '../modules/apps/apps.schemas.js';
import type { AppView } from '../modules/apps/apps.service.js';
import { attempt, field, lines, queryParam, type ConsoleKit } from './console-kit.js';
import { connectPanel } from './connect-snippets.js';
import { ownedOf } from './owned-realm.js';

/** One sentence each on when to use it, shown beside the choice. */
export const APP_TYPE_HELP: Record<(typeof APP_TYPES)[number], string> = {
  web: 'A server-side web app that can keep a secret (Express, Rails, Django, Next.js server): sign users in with the code flow and a client secret.',
  spa: 'A single-page app running entirely in the browser (React, Vue, Svelte): code flow with PKCE, no secret, since the browser cannot keep one.',
  native: 'A mobile or desktop app: code flow with PKCE through the system browser, redirecting to a loopback or private-use URI; no secret.',
  service: 'A backend that calls your APIs on its own behalf, with no user (jobs, microservices): client credentials with a secret.',
};

/** "resource scope scope" per line, as the service's apiAccess. */
const apiAccessOf = (raw: string): ApiAccess => lines(raw).map((l) => {
  const [resource = '', ...scopes] = l.split(/\s+/);
  return { resource, scopes };
});
const apiAccessText = (a: ApiAccess) => a.map((e) => [e.resource, ...e.scopes].join(' ')).join('\n');

export function appsArea(kit: ConsoleKit): Router {
  const router = Router({ mergeParams: true });

  const showList = async (res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const { rs, base, realm } = ownedOf(res);
    kit.page(res, 'apps', { title: `Apps of ${realm.displayName}`, realmName: realm.name, realmLabel: realm.displayName, base, apps: await rs.apps.list(), types: APP_TYPES, typeHelp: APP_TYPE_HELP, errors: [], values: { type: 'web' }, notice: queryParam(res.req, 'notice'), ...extra }, status);
  };
  const showApp = (req: Request, res: Response, app: AppView, extra: Record<string, unknown> = {}, status = 200) => {
    const { base, realm } = ownedOf(res);
    kit.page(res, 'app', {
      title: app.name, base, realmLabel: realm.displayName, app, typeHelp: APP_TYPE_HELP[app.type], apiAccessText: apiAccessText(app.apiAccess),
      connect: connectPanel(kit.config.baseUrl, realm.name, app, extra.clientSecret as string | undefined), errors: [], notice: queryParam(req, 'notice'), ...extra,
    }, status);
  };

  router.get('/apps', (_req, res) => showList(res));
  router.post('/apps', kit.form, kit.csrf, async (req, res) => {
    const { rs } = ownedOf(res);
    const values = { name: field(req, 'name'), type: field(req, 'type'), redirectUris: field(req, 'redirectUris'), postLogoutRedirectUris: field(req, 'postLogoutRedirectUris'), apiAccess: field(req, 'apiAccess') };
    const input = {
      name: values.name,
      type: values.type as AppView['type'],
      redirectUris: lines(values.redirectUris),
      postLogoutRedirectUris: lines(values.postLogoutRedirectUris),
      ...(values.type === 'service' ? { apiAccess: apiAccessOf(values.apiAccess) } : {}),
    };
    const created = await attempt(() => rs.apps.create(input, kit.actor(req, res)));
    if (!created.ok) return showList(res, { errors: created.messages, values }, created.status);
    showApp(req, res, created.value.app, { clientSecret: created.value.clientSecret, justCreated: true }, 201);
  });

  router.get('/apps/:id', async (req, res) => {
    const app = await ownedOf(res).rs.apps.get(String(req.params.id));
    if (!app) return kit.page(res, 'not-found', { title: 'Not found', message: 'This realm has no such app.' }, 404);
    showApp(req, res, app);
  });
  // Rotating a secret needs a recent sign-in; the new one is shown once, the old one works for the grace period.
  router.post('/apps/:id/rotate-secret', kit.form, kit.csrf, kit.recent, async (req, res) => {
    const { rs } = ownedOf(res);
    const hours = field(req, 'graceHours');
    const input = { graceSeconds: /^\d{1,4}$/.test(hours) ? Number(hours) * 3600 : hours === '' ? undefined : -1 };
    const rotated = await attempt(() => rs.apps.rotateSecret(String(req.params.id), input, kit.actor(req, res)));
    if (!rotated.ok) {
      const app = await rs.apps.get(String(req.params.id));
      return app ? showApp(req, res, app, { errors: rotated.messages }, rotated.status) : kit.page(res, 'not-found', { title: 'Not found', message: 'This realm has no such app.' }, 404);
    }
    if (!rotated.value) return kit.page(res, 'not-found', { title: 'Not found', message: 'This realm has no such app.' }, 404);
    const until = rotated.value.previousSecretExpiresAt;
    showApp(req, res, rotated.value.app, { clientSecret: rotated.value.clientSecret, notice: until ? `New secret made. The old one keeps working until ${until}.` : 'New secret made. The old one no longer works.' });
  });
  router.post('/apps/:id/delete', kit.form, kit.csrf, kit.recent, async (req, res) => {
    const { rs, base } = ownedOf(res);
    const app = await rs.apps.get(String(req.params.id));
    if (!app) return kit.page(res, 'not-found', { title: 'Not found', message: 'This realm has no such app.' }, 404);
    if (field(req, 'confirm') !== app.name) return showApp(req, res, app, { errors: ['Type the app\'s name to confirm the deletion.'] }, 400);
    await rs.apps.remove(app.id, kit.actor(req, res));
    res.redirect(303, `${base}/apps?notice=${encodeURIComponent('App deleted; its tokens no longer work.')}`);
  });
  router.post('/apps/:id', kit.form, kit.csrf, async (req, res) => {
    const { rs, base } = ownedOf(res);
    const id = String(req.params.id);
    const current = await rs.apps.get(id);
    if (!current) return kit.page(res, 'not-found', { title: 'Not found', message: 'This realm has no such app.' }, 404);
    const changes = {
      name: field(req, 'name'),
      redirectUris: lines(field(req, 'redirectUris')),
      postLogoutRedirectUris: lines(field(req, 'postLogoutRedirectUris')),
      ...(current.type === 'service' ? { apiAccess: apiAccessOf(field(req, 'apiAccess')) } : {}),
    };
    const updated = await attempt(() => rs.apps.update(id, changes, kit.actor(req, res)));
    if (!updated.ok) return showApp(req, res, current, { errors: updated.messages }, updated.status);
    res.redirect(303, `${base}/apps/${id}?notice=${encodeURIComponent('App saved.')}`);
  });
  return router;
}
