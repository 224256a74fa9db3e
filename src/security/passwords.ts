// Passwords: argon2id (RFC 9106) at OWASP's parameters by default (m=19456 KiB, t=2, p=1),
// configurable. A verify against a dummy hash when the user does not exist keeps the response
// time the same, so timing does not reveal which emails have accounts.
import argon2 from 'argon2';
import type { Config } from '../config/config.js';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string | null | undefined, password: string): Promise<boolean>;
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

export function createPasswordHasher(params: Config['argon2']): PasswordHasher {
  const options = { type: argon2.argon2id, ...params };
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => argon2.hash(password, options),
    async verify(hash, password) {
      if (!hash) {
        dummy ??= argon2.hash('gatehouse-dummy-password', options);
        await argon2.verify(await dummy, password).catch(() => false);
        return false;
      }
      return argon2.verify(hash, password).catch(() => false);
    },
  };
}
