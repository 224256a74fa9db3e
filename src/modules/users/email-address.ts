// What counts as an email address on every email field (API, CLI, login form): what real mail
// systems accept, not a stricter house rule. RFC 5321 §4.1.2 / RFC 5322 §3.4.1 dot-atom local
// parts (plus-addressing, `'`, `=`, ...), UTF-8 in both parts (RFC 6531, SMTPUTF8), any domain
// of two or more labels with a TLD of any length (`a@b.c`, as README's examples use).
// Refused: control characters (CR/LF header injection, NUL), spaces, quoted local parts and
// address literals (rare, and a parsing risk for the mail code that consumes them), and
// anything over RFC 5321's limits (§4.5.3.1: 64 for the local part, 254 for a whole path).
import { z } from 'zod';

// RFC 5322 §3.2.3 atext, plus any non-ASCII character (RFC 6531 §3.3 UTF8-non-ascii).
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uFFFF-]+";
const LOCAL = new RegExp(`^${ATOM}(\\.${ATOM})*$`, 'u');
// RFC 1035 §2.3.1 labels (letters, digits, inner hyphens; up to 63), non-ASCII for IDNs.
const LABEL = /^(?=.{1,63}$)[A-Za-z0-9\u0080-\uFFFF]([A-Za-z0-9\u0080-\uFFFF-]*[A-Za-z0-9\u0080-\uFFFF])?$/u;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

export const EMAIL_MAX_LENGTH = 254;

export function isEmailAddress(value: string): boolean {
  if (value.length > EMAIL_MAX_LENGTH || CONTROL.test(value)) return false;
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  return at > 0 && local.length <= 64 && LOCAL.test(local) && labels.length >= 2 && labels.every((l) => LABEL.test(l));
}

/** A trimmed, lower-cased email address. Control characters are refused, not trimmed away. */
export const emailAddress = () =>
  z
    .string()
    .max(1000)
    .refine((v) => !CONTROL.test(v), 'Email addresses cannot contain control characters.')
    .trim()
    .toLowerCase()
    .refine(isEmailAddress, 'Invalid email address');
