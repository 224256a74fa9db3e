// The sections of the account page, in the order they show. Each is built by the module it is
// about (account-section.ts): adding a section is adding its factory here.
import { activitySection } from '../audit/activity.account-section.js';
import { connectedAppsSection } from '../consents/consents.account-section.js';
import { passwordSection } from '../password-change/password.account-section.js';
import { recoveryCodesSection } from '../recovery-codes/recovery-codes.account-section.js';
import { sessionsSection } from '../sessions/sessions.account-section.js';
import { totpSection } from '../totp/totp.account-section.js';
import { profileSection } from '../users/profile.account-section.js';
import { createPasskeysAccountSection } from '../passkeys/passkeys.account-section.js';
import type { AccountSection } from './account-section.js';
import type { AccountDeps } from './account.routes.js';

export function createAccountSections(deps: AccountDeps): AccountSection[] {
  return [
    profileSection(deps),
    passwordSection(deps),
    createPasskeysAccountSection(deps),
    totpSection(deps),
    recoveryCodesSection(deps),
    sessionsSection(deps),
    connectedAppsSection(deps),
    activitySection(deps),
  ];
}
