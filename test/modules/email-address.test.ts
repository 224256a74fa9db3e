// Email addresses as real mail systems take them (RFC 5321/5322/6531), on every email field:
// the rule itself here; the API, CLI and login form tests send some through HTTP and the CLI.
import { describe, expect, it } from 'vitest';
import { emailAddress } from '../../src/modules/users/email-address.js';

const parse = (v: string) => emailAddress().safeParse(v);

describe('email addresses', () => {
  it.each([
    'a@b.c', // README's example: a one-letter TLD
    'jo+newsletter@example.com', // plus-addressing
    "o'brien@example.ie",
    'first.last@sub.example.co.uk',
    'x=y&z@example.org',
    'user@xn--bcher-kva.example', // IDN in punycode
    'josé@exämple.de', // SMTPUTF8 (RFC 6531)
    '_@1.io',
    `${'l'.repeat(64)}@example.com`,
  ])('accepts %s', (address) => {
    expect(parse(address)).toMatchObject({ success: true, data: address.toLowerCase() });
  });

  it('trims spaces and lower-cases', () => {
    expect(parse('  Jo@Example.COM ')).toMatchObject({ success: true, data: 'jo@example.com' });
  });

  it.each([
    ['no @', 'example.com'],
    ['no domain', 'jo@'],
    ['no local part', '@example.com'],
    ['a single-label domain', 'jo@localhost'],
    ['two @', 'a@b@example.com'],
    ['a space inside', 'j o@example.com'],
    ['a double dot', 'j..o@example.com'],
    ['a leading dot', '.jo@example.com'],
    ['an empty label', 'jo@example..com'],
    ['a label starting with a hyphen', 'jo@-example.com'],
    ['CR/LF (header injection)', 'jo@example.com\r\nBcc: x@example.com'],
    ['a trailing CR/LF', 'jo@example.com\r\n'],
    ['NUL', 'jo@example.com\u0000'],
    ['a 65-character local part', `${'l'.repeat(65)}@example.com`],
    ['over 254 characters', `jo@${Array.from({ length: 5 }, () => 'd'.repeat(60)).join('.')}.com`],
    ['a quoted local part', '"j o"@example.com'],
    ['angle brackets', '<jo@example.com>'],
  ])('refuses %s', (_why, address) => {
    expect(parse(address).success).toBe(false);
  });
});
