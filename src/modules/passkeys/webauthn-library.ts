// @simplewebauthn/server and its helpers, loaded on the first passkey use rather than at start:
// importing them costs about half a second, a fifth of a cold start (bench/cold-start.ts), and
// most processes serve token requests long before any passkey.
import type * as Server from '@simplewebauthn/server';
import type * as Helpers from '@simplewebauthn/server/helpers';

export type WebAuthnLibrary = typeof Server & typeof Helpers;

let loading: Promise<WebAuthnLibrary> | undefined;

export function webauthnLibrary(): Promise<WebAuthnLibrary> {
  loading ??= Promise.all([import('@simplewebauthn/server'), import('@simplewebauthn/server/helpers')]).then(
    ([server, helpers]) => ({ ...server, ...helpers }),
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}
