// First run outside production: a `demo` realm with a demo app and user, so a newcomer can watch
// a whole sign-in work at /demo. Created once; at every later start the demo app's redirect URIs
// are moved to the current BASE_URL (a restart on another PORT or BASE_URL keeps /demo working),
// and the rest of an existing `demo` realm is left as it is.
import { canSendMail, type Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Services } from '../services.js';

export const DEMO_REALM = 'demo';
export const DEMO_USER = { email: 'demo@example.com', password: 'demo-password' };
export const DEMO_APP_NAME = 'Demo app';

export const demoRedirectUri = (baseUrl: string) => `${baseUrl}/demo/callback`;

const demoAppUris = (baseUrl: string) => ({ redirectUris: [demoRedirectUri(baseUrl)], postLogoutRedirectUris: [`${baseUrl}/demo`] });

/** Points the demo app at `baseUrl` when it was registered under another one. */
async function followBaseUrl(services: Services, realm: Parameters<Services['forRealm']>[0], baseUrl: string, logger: Logger) {
  const apps = services.forRealm(realm).apps;
  const app = (await apps.list()).find((a) => a.name === DEMO_APP_NAME);
  const wanted = demoAppUris(baseUrl);
  if (!app || JSON.stringify([app.redirectUris, app.postLogoutRedirectUris]) === JSON.stringify([wanted.redirectUris, wanted.postLogoutRedirectUris])) return;
  await apps.update(app.id, wanted, { actor: 'system' });
  logger.info({ redirectUris: wanted.redirectUris }, 'moved the demo app to BASE_URL');
}

export async function seedDemo({ config, services, logger }: { config: Readonly<Config>; services: Services; logger: Logger }) {
  const existing = await services.realms.findByName(DEMO_REALM);
  if (existing) return followBaseUrl(services, existing, config.baseUrl, logger);
  const actor = { actor: 'system' };
  try {
    // Sign-up and magic links on, so a newcomer sees the account pages; only where mail can go
    // out (SMTP_URL, or the dev outbox): a realm refuses mail features otherwise.
    const accountPages = canSendMail(config) ? ({ signUp: 'enabled', magicLink: 'enabled' } as const) : {};
    const realm = await services.realms.create({ name: DEMO_REALM, displayName: 'Demo', ...accountPages }, null, actor);
    const inRealm = services.forRealm(realm);
    // A public client with PKCE: the demo page is a relying party without a stored secret.
    await inRealm.apps.create({
      name: DEMO_APP_NAME,
      type: 'spa',
      ...demoAppUris(config.baseUrl),
    }, actor);
    await inRealm.users.create({ ...DEMO_USER, emailVerified: true, name: 'Demo User', givenName: 'Demo', familyName: 'User' }, actor);
    logger.info('created the demo realm, app and user');
  } catch (err) {
    // Two instances starting at once: the other one seeded it.
    if (await services.realms.findByName(DEMO_REALM)) return;
    throw err;
  }
}
