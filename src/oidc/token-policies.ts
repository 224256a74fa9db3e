// Who may introspect or revoke a token. Resource servers verify the realm's JWT access tokens
// themselves (RFC 9068); opaque tokens are only for userinfo, so no client needs to read
// another client's tokens.
import { errors } from 'oidc-provider';

interface Caller {
  clientId: string;
  clientAuthMethod: string;
}
interface Presented {
  clientId?: string;
}

/** RFC 7662 §4: the caller must be entitled to the answer; others learn only active:false. */
export async function introspectionAllowed(_ctx: unknown, client: Caller, token: Presented) {
  return token.clientId === client.clientId;
}

/**
 * RFC 7009 §2.1: a client may revoke only tokens issued to it, and is told when it may not.
 * A public client is answered as if it succeeded (oidc-provider's default), so it cannot
 * probe which token values exist.
 */
export async function revocationAllowed(_ctx: unknown, client: Caller, token: Presented) {
  if (token.clientId === client.clientId) return true;
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('this token was not issued to this client');
}
