// /demo: a small relying party that signs in through the `demo` realm with the certified
// openid-client library (authorization code + PKCE), shows the ID token's claims and userinfo,
// and signs out again through the realm (RP-initiated logout).
// Its per-login state (PKCE verifier, state, nonce) lives in a sealed, short-lived cookie.
import { Router, type Request, type Response } from 'express';
import * as oidc from 'openid-client';
import type { AppDeps } from '../app.js';
import { createSealer } from '../security/encryption.js';
import { DEMO_APP_NAME, DEMO_REALM, DEMO_USER, demoRedirectUri } from './demo.seed.js';

const COOKIE = 'gh_demo';

export function demoRoutes({ config, services, views }: AppDeps): Router {
  const router = Router();
  const sealer = createSealer(config.masterKey, 'demo-rp');
  const baseUrl = config.baseUrl;
  const issuer = `${baseUrl}/realms/${DEMO_REALM}`;
  let discovered: Promise<oidc.Configuration> | undefined;

  async function rp(): Promise<oidc.Configuration> {
    discovered ??= (async () => {
      const realm = await services.realms.findByName(DEMO_REALM);
      const app = realm && (await services.forRealm(realm).apps.list()).find((a) => a.name === DEMO_APP_NAME);
      if (!app) throw new Error('the demo realm has no demo app');
      return oidc.discovery(new URL(issuer), app.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    })().catch((err) => {
      discovered = undefined;
      throw err;
    });
    return discovered;
  }

  const page = (res: Response, data: Record<string, unknown>, status = 200) =>
    views.send(res, 'demo', { realmName: DEMO_REALM, issuer, user: DEMO_USER, ...data }, status);

  router.get('/', (_req, res) => page(res, {}));

  router.get('/login', async (_req, res) => {
    const client = await rp();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    res.cookie(COOKIE, sealer.seal(JSON.stringify({ verifier, state, nonce })), { httpOnly: true, sameSite: 'lax', path: '/demo', maxAge: 10 * 60 * 1000 });
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: demoRedirectUri(baseUrl),
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    res.redirect(url.href);
  });

  router.get('/callback', async (req: Request, res: Response) => {
    const sealed = req.cookies?.[COOKIE] as string | undefined;
    res.clearCookie(COOKIE, { path: '/demo' });
    let saved: { verifier: string; state: string; nonce: string };
    try {
      saved = JSON.parse(sealer.open(sealed ?? '')) as typeof saved;
    } catch {
      return page(res, { error: 'This sign-in attempt expired. Start again.' }, 400);
    }
    try {
      const current = new URL(req.originalUrl, config.baseUrl);
      const client = await rp();
      const tokens = await oidc.authorizationCodeGrant(client, current, { pkceCodeVerifier: saved.verifier, expectedState: saved.state, expectedNonce: saved.nonce });
      const claims = tokens.claims();
      // The ID token carries identity; profile and email claims come from userinfo (OIDC Core §5.4).
      const userinfo = claims ? await oidc.fetchUserInfo(client, tokens.access_token, claims.sub) : undefined;
      // OIDC RP-Initiated Logout 1.0 §2: client_id identifies the app when no id_token_hint is
      // sent, so the ID token never has to be kept in the page.
      const logout = {
        action: client.serverMetadata().end_session_endpoint,
        clientId: client.clientMetadata().client_id,
        postLogoutRedirectUri: `${baseUrl}/demo`,
      };
      page(res, { claims: JSON.stringify(claims, null, 2), userinfo: JSON.stringify(userinfo, null, 2), logout });
    } catch (err) {
      const e = err as { error?: string; error_description?: string; message?: string };
      // OIDC Core §3.1.2.6: access_denied is the user saying no (Cancel or Deny), not a fault.
      if (e.error === 'access_denied') return page(res, { notice: 'You cancelled the sign-in, so nothing was shared with the demo app.' });
      page(res, { error: e.error_description ?? e.error ?? e.message ?? 'Sign-in failed.' }, 400);
    }
  });

  return router;
}
