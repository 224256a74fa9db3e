// A realm's password rules (NIST SP 800-63B §5.1.1.2): a minimum length (8 by default, the
// realm may ask for more), at most PASSWORD_MAX_LENGTH characters, not one of the ~49k most
// common passwords (the list shipped offline in @zxcvbn-ts/language-common, kept up to date by
// its maintainers), and not containing the account's email or its local part. No composition
// rules (§5.1.1.2: they do not help). Each problem says what to change.
import { createRequire } from 'node:module';
import { PASSWORD_MAX_LENGTH } from './passwords.js';

const require = createRequire(import.meta.url);
// Loaded on the first password checked, not at start-up (decompressing the list takes ~0.1 s).
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  if (!common) {
    const { dictionary } = require('@zxcvbn-ts/language-common') as { dictionary: Record<string, string[]> };
    common = new Set((dictionary['passwords-common'] ?? []).map((p) => p.toLowerCase()));
  }
  return common;
}

export interface PasswordPolicy {
  minLength: number;
}

export interface PasswordProblem {
  code: 'too_short' | 'too_long' | 'too_common' | 'contains_email';
  message: string;
}

/** Length counts characters as people see them (code points), not UTF-16 units. */
const lengthOf = (s: string) => [...s].length;

export function passwordProblems(password: string, policy: PasswordPolicy, email?: string): PasswordProblem[] {
  const length = lengthOf(password);
  if (length < policy.minLength) return [{ code: 'too_short', message: `Use at least ${policy.minLength} characters (this one has ${length}).` }];
  if (length > PASSWORD_MAX_LENGTH) return [{ code: 'too_long', message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` }];
  const problems: PasswordProblem[] = [];
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) problems.push({ code: 'too_common', message: 'This password is one of the most common ones and is guessed first: choose another.' });
  const address = email?.toLowerCase();
  const local = address?.split('@')[0];
  if (address && (lower.includes(address) || (local && local.length >= 3 && lower.includes(local)))) {
    problems.push({ code: 'contains_email', message: 'Do not use your email address (or its part before the @) in your password.' });
  }
  return problems;
}
