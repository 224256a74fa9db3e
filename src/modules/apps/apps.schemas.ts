// App (OAuth client) input rules. Redirect URIs are matched exactly by the provider
// (RFC 9700 §4.1.3), so they are validated strictly here.
import { z } from 'zod';

export const APP_TYPES = ['web', 'spa', 'native', 'service'] as const;
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

const isLoopback = (u: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);

/** RFC 6749 §3.1.2: absolute, no fragment. https, except loopback http for development and native apps (RFC 8252 §7.3). */
function redirectUriProblem(raw: string, type: (typeof APP_TYPES)[number]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.hash || raw.includes('#')) return 'must not contain a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return isLoopback(url) ? undefined : 'http is only allowed for localhost; use https';
  // RFC 8252 §7.1: private-use schemes for native apps, in reverse-domain form.
  if (type === 'native' && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return undefined;
  return type === 'native' ? 'use https, a loopback http URI or a reverse-domain private-use scheme' : 'must use https';
}

export const createAppSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    type: z.enum(APP_TYPES),
    redirectUris: z.array(z.string().max(2000)).max(50).default([]),
    postLogoutRedirectUris: z.array(z.string().max(2000)).max(50).default([]),
    grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).max(3).optional(),
    firstParty: z.boolean().default(false),
  })
  .strict()
  .superRefine((app, ctx) => {
    const uris = [...app.redirectUris.map((u, i) => ['redirectUris', i, u] as const), ...app.postLogoutRedirectUris.map((u, i) => ['postLogoutRedirectUris', i, u] as const)];
    for (const [field, i, uri] of uris) {
      const problem = redirectUriProblem(uri, app.type);
      if (problem) ctx.addIssue({ code: 'custom', path: [field, i], message: problem });
    }
    const grants = app.grantTypes ?? defaultGrantTypes(app.type);
    if (app.type === 'service' && grants.some((g) => g !== 'client_credentials')) {
      ctx.addIssue({ code: 'custom', path: ['grantTypes'], message: 'service apps only use client_credentials' });
    }
    if (app.type !== 'service' && grants.includes('client_credentials')) {
      ctx.addIssue({ code: 'custom', path: ['grantTypes'], message: 'client_credentials needs a confidential service app' });
    }
    if (grants.includes('authorization_code') && app.redirectUris.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['redirectUris'], message: 'at least one redirect URI is required for the authorization code flow' });
    }
  });

export type CreateAppInput = z.input<typeof createAppSchema>;

export function defaultGrantTypes(type: (typeof APP_TYPES)[number]): string[] {
  return type === 'service' ? ['client_credentials'] : ['authorization_code', 'refresh_token'];
}
