// Client authentication with a secret (RFC 6749 §2.3.1), as Gatehouse stores it and as the app
// registered it.
// - The stored "client_secret" is the SHA-256 of the secret: compared as hashes, in constant time.
// - The registered token_endpoint_auth_method is enforced (OpenID Connect Core §9; RFC 7591 §2):
//   oidc-provider accepts client_secret_basic and client_secret_post interchangeably, so an app
//   registered for the Authorization header would also be accepted with its secret in the body,
//   where it lands in proxies' and frameworks' request logs. The method in use is read from the
//   request in flight (Provider.ctx): a secret in the Authorization header is Basic, else it came
//   in the body. oidc-provider has already refused a request that used both.
// - After a secret rotation the replaced secret keeps working until its grace ends
//   (src/modules/apps/apps.service.ts rotateSecret): both hashes are compared, each in constant
//   time, whatever the first answer was, and the old one only while previousSecretExpiresAt is ahead.
import Provider, { errors } from 'oidc-provider';
import { verifySecret } from '../security/tokens.js';

type SecretClient = { clientId: string; clientSecret?: string; clientAuthMethod: string };

/** The replaced secret of an app in its grace period, as stored. */
export interface PreviousSecret {
  previousSecretHash: string | null;
  previousSecretExpiresAt: Date | null;
}

/** Whether `actual` is the current secret (by hash) or the previous one within its grace. */
export function secretMatches(actual: string, currentHash: string | undefined, previous: PreviousSecret | undefined, now = new Date()): boolean {
  const current = !!currentHash && verifySecret(actual, currentHash);
  const inGrace = !!previous?.previousSecretHash && !!previous.previousSecretExpiresAt && previous.previousSecretExpiresAt > now;
  const old = inGrace && verifySecret(actual, previous.previousSecretHash!);
  return current || old;
}

export function methodInUse(ctx: NonNullable<typeof Provider.ctx>): 'client_secret_basic' | 'client_secret_post' {
  return ctx.get('authorization') ? 'client_secret_basic' : 'client_secret_post';
}

export function enforceClientSecretAuth(provider: Provider, previousSecretOf: (clientId: string) => PreviousSecret | undefined = () => undefined) {
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: SecretClient, actual: string) {
    const ctx = Provider.ctx;
    if (ctx && methodInUse(ctx) !== this.clientAuthMethod) {
      // The same answer as a wrong secret (RFC 6749 §5.2 invalid_client): nothing learned from it.
      return Promise.reject(new errors.InvalidClientAuth(`this client authenticates with ${this.clientAuthMethod}`));
    }
    return Promise.resolve(secretMatches(actual, this.clientSecret, previousSecretOf(this.clientId)));
  } as never;
}
