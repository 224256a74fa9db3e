// Client authentication with a secret (RFC 6749 §2.3.1), as Gatehouse stores it and as the app
// registered it.
// - The stored "client_secret" is the SHA-256 of the secret: compared as hashes, in constant time.
// - The registered token_endpoint_auth_method is enforced (OpenID Connect Core §9; RFC 7591 §2):
//   oidc-provider accepts client_secret_basic and client_secret_post interchangeably, so an app
//   registered for the Authorization header would also be accepted with its secret in the body,
//   where it lands in proxies' and frameworks' request logs. The method in use is read from the
//   request in flight (Provider.ctx): a secret in the Authorization header is Basic, else it came
//   in the body. oidc-provider has already refused a request that used both.
import Provider, { errors } from 'oidc-provider';
import { verifySecret } from '../security/tokens.js';

type SecretClient = { clientSecret?: string; clientAuthMethod: string };

export function methodInUse(ctx: NonNullable<typeof Provider.ctx>): 'client_secret_basic' | 'client_secret_post' {
  return ctx.get('authorization') ? 'client_secret_basic' : 'client_secret_post';
}

export function enforceClientSecretAuth(provider: Provider) {
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: SecretClient, actual: string) {
    const ctx = Provider.ctx;
    if (ctx && methodInUse(ctx) !== this.clientAuthMethod) {
      // The same answer as a wrong secret (RFC 6749 §5.2 invalid_client): nothing learned from it.
      return Promise.reject(new errors.InvalidClientAuth(`this client authenticates with ${this.clientAuthMethod}`));
    }
    return Promise.resolve(!!this.clientSecret && verifySecret(actual, this.clientSecret));
  } as never;
}
