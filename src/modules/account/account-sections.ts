// The sections of the account page, in the order they show. Each is built by the module it is
// about (account-section.ts): adding a section is adding its factory here.
import type { AccountSection } from './account-section.js';
import type { AccountDeps } from './account.routes.js';

export function createAccountSections(_deps: AccountDeps): AccountSection[] {
  return [];
}
