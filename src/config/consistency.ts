// Combinations of variables that each parse but cannot work together. Each would otherwise start
// and fail later, on a user's request; refused at startup instead, naming every variable involved.
// Decided and left alone:
// - BASE_URL's port differing from PORT, or HOST a loopback address with a public BASE_URL: normal
//   behind a port mapping (docker -p 8080:3000) or a proxy on the same machine.
// - TRUST_PROXY set with an http BASE_URL: a proxy inside a private network is fine.
import type { Env } from './config.js';

export interface Problem {
  variables: string[];
  message: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** BASE_URL is the issuer's origin: https (http for loopback), no path, query, fragment or credentials. */
function baseUrlProblems(url: URL): string[] {
  const found: string[] = [];
  if (url.protocol !== 'https:' && url.protocol !== 'http:') found.push('must be an http:// or https:// URL');
  // Realm routes are mounted at /realms on this server and oidc-provider builds its endpoint paths
  // from the request, so a path prefix would put issuer and endpoints apart.
  if (url.pathname !== '/') found.push(`must be an origin without a path (got "${url.pathname}"): realms are served at /realms/{realm}`);
  // An issuer has no query or fragment (RFC 8414 §2, OpenID Connect Discovery 1.0 §3).
  if (url.search || url.hash) found.push('must not have a query or fragment');
  if (url.username || url.password) found.push('must not contain credentials');
  return found;
}

export function crossVariableProblems(env: Env): Problem[] {
  const problems: Problem[] = [];
  const add = (variables: string[], message: string) => problems.push({ variables, message });

  if (!env.BASE_URL) {
    // The issuer is baked into every token: a guessed http://localhost:PORT is never right in production.
    if (env.NODE_ENV === 'production') add(['BASE_URL', 'NODE_ENV'], 'BASE_URL is required in production: it is the public origin every issuer and token carries');
    // PORT=0 takes a random port, which no default BASE_URL can name.
    if (env.PORT === 0) add(['BASE_URL', 'PORT'], 'PORT=0 (a random port) needs an explicit BASE_URL');
    return problems;
  }
  const url = new URL(env.BASE_URL);
  for (const message of baseUrlProblems(url)) add(['BASE_URL'], message);
  // Gatehouse speaks plain HTTP: an https BASE_URL means TLS ends at a proxy, and only a trusted
  // proxy's X-Forwarded-Proto tells Gatehouse the connection was secure. Without it every secure
  // cookie is refused ("Cannot send secure cookie over unencrypted connection") and sign-in fails.
  if (url.protocol === 'https:' && env.TRUST_PROXY === false) {
    add(['BASE_URL', 'TRUST_PROXY'], 'BASE_URL is https but TRUST_PROXY is false: Gatehouse serves plain HTTP, so TLS must end at a proxy it trusts; set TRUST_PROXY to that proxy (e.g. 1 or its address) or use an http BASE_URL');
  }
  // Tokens, codes and session cookies would cross the network in clear (RFC 6749 §3.1, §10.9;
  // OpenID Connect Discovery 1.0 §3: the issuer uses https). Loopback stays allowed for a local trial.
  if (url.protocol === 'http:' && env.NODE_ENV === 'production' && !LOOPBACK.has(url.hostname)) {
    add(['BASE_URL', 'NODE_ENV'], 'production needs an https BASE_URL (http only for localhost)');
  }
  return problems;
}
