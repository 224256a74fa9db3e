// The consent prompt: lists what the app asks for; "Allow" grants exactly the missing scopes and
// claims, and remembers them (Consent) so the page is not shown again for the same request.
import type { Request, Response } from 'express';
import { realmOf } from '../../realms/realm-resolver.js';
import { extendGrant, resourceScopeKey } from '../grants.js';
import { renderPage, type Details, type InteractionDeps } from './interaction.routes.js';

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Sign you in',
  profile: 'See your name',
  email: 'See your email address',
  offline_access: 'Stay signed in (keep access while you are away)',
  roles: 'See your roles',
};

interface PromptDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

export function createConsentHandler({ views, csrf }: InteractionDeps) {
  async function show(req: Request, res: Response, details: Details) {
    const { provider, scope } = realmOf(res);
    const client = await provider.Client.find(String(details.params.client_id));
    const user = details.session?.accountId ? await scope.users.findById(details.session.accountId) : null;
    const d = details.prompt.details as PromptDetails;
    const scopes = [
      ...(d.missingOIDCScope ?? []).map((s) => SCOPE_TEXT[s] ?? s),
      ...Object.entries(d.missingResourceScopes ?? {}).flatMap(([r, ss]) => ss.map((s) => `${s} on ${r}`)),
    ];
    const base = `${req.baseUrl}/${details.uid}`;
    renderPage(views, res, 'consent', {
      clientName: client?.clientName ?? client?.clientId ?? 'The application',
      scopes: scopes.length ? scopes : ['Sign you in'],
      email: user?.email ?? '',
      action: `${base}/consent`,
      abortAction: `${base}/abort`,
      csrfToken: csrf.token(req, res),
    });
  }

  async function submit(req: Request, res: Response, details: Details) {
    const { provider, scope } = realmOf(res);
    const accountId = details.session?.accountId;
    const clientId = String(details.params.client_id);
    // The consent prompt only comes after a sign-in (interaction.routes.ts checks the step).
    if (!accountId) throw new Error('consent prompt without a signed-in account');
    const d = details.prompt.details as PromptDetails;

    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId });
    if (!grant) throw new Error('grant vanished during consent');
    if (d.missingOIDCScope?.length) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims?.length) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
    // A reused grant keeps its first expiry when saved: extend it like loadExistingGrant does, so
    // what is granted here (claims are not remembered in Consent rows) outlives the sign-in.
    extendGrant(grant, scope.settings.tokenLifetimes);
    const grantId = await grant.save();

    const app = await scope.apps.findByClientId(clientId);
    if (app) {
      const remembered = [...(d.missingOIDCScope ?? []), ...Object.entries(d.missingResourceScopes ?? {}).flatMap(([r, ss]) => ss.map((s) => resourceScopeKey(r, s)))];
      await scope.consents.remember(accountId, app.id, remembered);
    }
    await scope.audit.append({ actor: `user:${accountId}`, action: 'consent.granted', target: `app:${clientId}`, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null, requestId: req.id, data: { scopes: d.missingOIDCScope ?? [] } });
    csrf.clear(req, res);
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  return { show, submit };
}
