// The realm password policy: what a user is told for each kind of weak password.
import { describe, expect, it } from 'vitest';
import { passwordProblems } from '../../src/security/password-policy.js';

const codes = (password: string, minLength = 8, email?: string) => passwordProblems(password, { minLength }, email).map((p) => p.code);

describe('password policy', () => {
  it('accepts a long uncommon password', () => {
    expect(codes('violet staple kettle 42')).toEqual([]);
  });
  it("counts characters as people see them and says what's missing", () => {
    expect(passwordProblems('short', { minLength: 8 })[0]?.message).toBe('Use at least 8 characters (this one has 5).');
    expect(codes('🔑🔑🔑🔑🔑🔑🔑', 8)).toEqual(['too_short']);
    expect(codes('violet staple', 14)).toEqual(['too_short']);
    expect(codes('x'.repeat(257))).toEqual(['too_long']);
  });
  it('refuses the most common passwords whatever their case', () => {
    expect(codes('password')).toEqual(['too_common']);
    expect(codes('Qwerty123')).toEqual(['too_common']);
    expect(codes('iloveyou')).toEqual(['too_common']);
  });
  it('refuses a password containing the email or its local part', () => {
    expect(codes('alice.smith@example.com!', 8, 'Alice.Smith@example.com')).toEqual(['contains_email']);
    expect(codes('xx-alice.smith-2024', 8, 'alice.smith@example.com')).toEqual(['contains_email']);
    // A very short local part would refuse too much.
    expect(codes('violet staple jo', 8, 'jo@example.com')).toEqual([]);
  });
});
