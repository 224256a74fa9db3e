// Admission of requests that make a pending artifact (GET /authorize stores an Interaction, a
// push stores a PushedAuthorizationRequest): anyone can send them, so each realm holds a bounded
// number (PENDING_ARTIFACTS_PER_REALM, and bytes in memory mode). When the realm is full the
// request is refused with 429 + Retry-After (the time until the first one expires) instead of
// making room by evicting a sign-in under way: an attacker's flood can delay new sign-ins of
// that realm, never break one a user has started, and never touch another realm.
// `temporarily_unavailable` is RFC 6749 §4.1.2.1's code for "temporary overloading".
import type { NextFunction, Request, Response } from 'express';
import { sendOAuthError } from '../http/oauth-error.js';
import type { Views } from '../http/views.js';
import { realmOf } from '../realms/realm-resolver.js';
import type { Stores } from '../stores/stores.js';

export function pendingAdmission(stores: Stores, views: Views) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const result = await stores.artifacts.admitPending(realmOf(res).scope.realm.id);
    if (result.ok) return next();
    res.setHeader('Retry-After', String(result.retryAfterSeconds));
    sendOAuthError(req, res, views, {
      status: 429, error: 'temporarily_unavailable', code: 'realm_busy', title: 'Too many sign-ins in progress',
      description: `Too many sign-ins are in progress here right now. Try again in ${result.retryAfterSeconds} seconds.`,
    });
  };
}
