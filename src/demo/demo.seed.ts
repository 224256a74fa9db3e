// First run outside production: a `demo` realm with a demo app and user, so a newcomer can watch
// a whole sign-in work at /demo. Created once; an existing `demo` realm is left as it is.
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Services } from '../services.js';

export const DEMO_REALM = 'demo';
export const DEMO_USER = { email: 'demo@example.com', password: 'demo-password' };
export const DEMO_APP_NAME = 'Demo app';

export const demoRedirectUri = (baseUrl: string) => `${baseUrl}/demo/callback`;

export async function seedDemo({ config, services, logger }: { config: Readonly<Config>; services: Services; logger: Logger }) {
  if (await services.realms.findByName(DEMO_REALM)) return;
  const actor = { actor: 'system' };
  try {
    const realm = await services.realms.create({ name: DEMO_REALM, displayName: 'Demo' }, null, actor);
    const inRealm = services.forRealm(realm);
    // A public client with PKCE: the demo page is a relying party without a stored secret.
    await inRealm.apps.create({
      name: DEMO_APP_NAME,
      type: 'spa',
      redirectUris: [demoRedirectUri(config.baseUrl)],
      postLogoutRedirectUris: [`${config.baseUrl}/demo`],
    }, actor);
    await inRealm.users.create({ ...DEMO_USER, emailVerified: true, name: 'Demo User', givenName: 'Demo', familyName: 'User' }, actor);
    logger.info('created the demo realm, app and user');
  } catch (err) {
    // Two instances starting at once: the other one seeded it.
    if (await services.realms.findByName(DEMO_REALM)) return;
    throw err;
  }
}
