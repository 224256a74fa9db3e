// The account page's recent security activity: the user's own audit events that matter for the
// account's safety (sign-ins and failures, second factors, password, email, sessions, apps),
// newest first, the last 20, each in plain words with its time, address and browser. Events are
// read from this realm's audit log only, by or about this user.
import { realmOf } from '../../realms/realm-resolver.js';
import { accountOf, type AccountSection } from '../account/account-section.js';
import type { AccountDeps } from '../account/account.routes.js';
import { describeUserAgent } from '../sessions/user-agent.js';

const SHOWN = 20;

/** The actions shown, in plain words. */
export const ACTIVITY_WORDS: Readonly<Record<string, string>> = {
  'login.success': 'Signed in with your password',
  'login.failure': 'A sign-in failed (wrong password)',
  'magic_link.used': 'Signed in with an email link',
  'mfa.success': 'Second step of sign-in passed',
  'mfa.failure': 'A wrong second-step code was entered',
  'mfa.sign_in_ended': 'A sign-in was stopped after too many wrong codes',
  'mfa.enrolled': 'Two-step verification was turned on',
  'mfa.factor_removed': 'A second factor was removed',
  'mfa.reset': 'Two-step verification was reset by an administrator',
  'mfa.recovery_codes_regenerated': 'New recovery codes were made',
  'user.password_changed': 'Your password was changed',
  'user.password_change_failed': 'A password change failed (wrong current password)',
  'password_reset.completed': 'Your password was reset by email link',
  'user.password_set': 'Your password was set by an administrator',
  'user.email_change_requested': 'An email address change was asked for',
  'user.email_changed': 'Your email address was changed',
  'user.sessions_revoked': 'You were signed out everywhere',
  'user.session_ended': 'A session was ended',
  'consent.granted': 'An app was given access',
  'consent.revoked': 'An app was disconnected',
};

export function activitySection(deps: AccountDeps): AccountSection {
  return {
    id: 'activity',
    title: 'Recent security activity',
    async render(_req, res) {
      const ctx = accountOf(res);
      const events = await realmOf(res).scope.audit.forUser(ctx.userId, Object.keys(ACTIVITY_WORDS), SHOWN);
      const items = events.map((e) => ({
        what: ACTIVITY_WORDS[e.action] ?? e.action,
        at: e.createdAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
        iso: e.createdAt.toISOString(),
        ip: e.ip ?? 'unknown',
        browser: e.userAgent ? describeUserAgent(e.userAgent) : null,
      }));
      return deps.views.render('account/activity', { ...ctx, items });
    },
  };
}
