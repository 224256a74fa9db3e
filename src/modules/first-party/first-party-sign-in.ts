// How a built-in app (built-in-apps.ts) signs a user in: an ordinary authorization-code flow with
// PKCE against the realm's own provider (OpenID Connect Core §3.1; RFC 7636 S256), so it gets
// every sign-in method, MFA policy and step-up the realm has. The code comes back through the
// browser to the callback, and is redeemed in process: looked up in the realm's provider, checked
// as the token endpoint would (client, exact redirect URI, PKCE verifier, expiry, single use) and
// consumed. No token is issued: the page needs who signed in and when, which the code carries.
//
// The flow's state (RFC 6749 §10.12), PKCE verifier and where to return are sealed into a
// short-lived cookie scoped to the app's path; a callback with another state is refused.
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { createSealer } from '../../security/encryption.js';
import { constantTimeEqual } from '../../security/tokens.js';
import type { BuiltInTarget } from './built-in-apps.js';

const FLOW_SECONDS = 10 * 60;

export interface BeginOptions {
  /** Path (under the app's basePath) to send the browser to afterwards. */
  returnTo: string;
  /** OpenID Connect Core §3.1.2.1 max_age: 0 forces a fresh authentication (step-up). */
  maxAge?: number;
  /** acr_values, e.g. MFA_ACR to require a second factor. */
  acrValues?: string;
  prompt?: 'login' | 'none' | 'create';
  loginHint?: string;
}

export interface SignedIn {
  accountId: string;
  /** Seconds since the epoch. */
  authTime: number;
  amr: string[];
  acr?: string;
  /** The provider session's uid (the browser's sign-in at the realm). */
  sessionUid?: string;
  returnTo: string;
}

export type CallbackResult = { ok: true; signedIn: SignedIn } | { ok: false; code: string; message: string };

interface Flow {
  state: string;
  verifier: string;
  returnTo: string;
  exp: number;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');
const s256 = (verifier: string) => b64url(createHash('sha256').update(verifier).digest());

export function createFirstPartySignIn(deps: { masterKey: Buffer; baseUrl: string }) {
  const sealer = createSealer(deps.masterKey, 'first-party-flow');
  const secure = deps.baseUrl.startsWith('https:');
  const cookieName = (t: BuiltInTarget) => `gh_flow_${t.clientId.replace(/[^a-z0-9]/gi, '_')}`;
  const aad = (t: BuiltInTarget, realmName: string) => `${realmName}|${t.clientId}`;

  /** Redirects the browser to the realm's authorization endpoint. */
  function begin(res: Response, realmName: string, target: BuiltInTarget, opts: BeginOptions): void {
    const flow: Flow = { state: b64url(randomBytes(24)), verifier: b64url(randomBytes(32)), returnTo: safeReturn(target, opts.returnTo), exp: Math.floor(Date.now() / 1000) + FLOW_SECONDS };
    res.cookie(cookieName(target), sealer.seal(JSON.stringify(flow), aad(target, realmName)), { httpOnly: true, sameSite: 'lax', secure, path: target.basePath, maxAge: FLOW_SECONDS * 1000 });
    const url = new URL(`${deps.baseUrl}/realms/${encodeURIComponent(realmName)}/authorize`);
    const params: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: target.clientId,
      redirect_uri: `${deps.baseUrl}${target.callbackPath}`,
      scope: 'openid',
      state: flow.state,
      code_challenge: s256(flow.verifier),
      code_challenge_method: 'S256',
      max_age: opts.maxAge === undefined ? undefined : String(opts.maxAge),
      acr_values: opts.acrValues,
      prompt: opts.prompt,
      login_hint: opts.loginHint,
    };
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, url.toString());
  }

  /** Checks the callback (needs cookie-parser's req.cookies) and redeems its code in `provider`. */
  async function complete(req: Request, res: Response, realmName: string, target: BuiltInTarget, provider: Provider): Promise<CallbackResult> {
    const name = cookieName(target);
    const sealed: unknown = req.cookies?.[name];
    res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure, path: target.basePath });
    const flow = typeof sealed === 'string' ? openFlow(sealed, aad(target, realmName)) : undefined;
    const q = req.query;
    const state = typeof q.state === 'string' ? q.state : '';
    if (!flow || flow.exp < Date.now() / 1000 || !state || !constantTimeEqual(state, flow.state)) {
      return { ok: false, code: 'sign_in_expired', message: 'This sign-in has expired or was started in another browser. Start again.' };
    }
    // RFC 6749 §4.1.2.1: the provider sends errors back to the redirect URI.
    if (typeof q.error === 'string') return { ok: false, code: q.error, message: q.error === 'access_denied' ? 'Sign-in was cancelled.' : 'Sign-in did not complete. Start again.' };
    const value = typeof q.code === 'string' ? q.code : '';
    const code = value ? await provider.AuthorizationCode.find(value) : undefined;
    const redirectUri = `${deps.baseUrl}${target.callbackPath}`;
    const valid = code && !code.isExpired && !(code as { consumed?: unknown }).consumed && code.clientId === target.clientId && code.redirectUri === redirectUri
      && code.codeChallengeMethod === 'S256' && typeof code.codeChallenge === 'string' && constantTimeEqual(code.codeChallenge, s256(flow.verifier)) && code.accountId;
    if (!code || !valid) return { ok: false, code: 'invalid_grant', message: 'This sign-in could not be completed. Start again.' };
    // Throws (invalid_grant) when another request consumed it first (src/stores/oidc-adapter.ts).
    try {
      await code.consume();
    } catch {
      return { ok: false, code: 'invalid_grant', message: 'This sign-in could not be completed. Start again.' };
    }
    return {
      ok: true,
      signedIn: { accountId: String(code.accountId), authTime: Number(code.authTime ?? Math.floor(Date.now() / 1000)), amr: Array.isArray(code.amr) ? code.amr.map(String) : [], acr: code.acr ? String(code.acr) : undefined, sessionUid: code.sessionUid ? String(code.sessionUid) : undefined, returnTo: flow.returnTo },
    };
  }

  function openFlow(sealed: string, associated: string): Flow | undefined {
    try {
      const flow = JSON.parse(sealer.open(sealed, associated)) as Flow;
      return typeof flow.state === 'string' && typeof flow.verifier === 'string' && typeof flow.returnTo === 'string' ? flow : undefined;
    } catch {
      return undefined;
    }
  }

  return { begin, complete };
}

/** Only paths inside the app (no scheme, host or `//`): an open redirect is not possible. */
function safeReturn(target: BuiltInTarget, returnTo: string): string {
  return returnTo === target.basePath || (returnTo.startsWith(`${target.basePath}/`) && !returnTo.includes('//') && !returnTo.includes('\\')) ? returnTo : target.basePath;
}

export type FirstPartySignIn = ReturnType<typeof createFirstPartySignIn>;
