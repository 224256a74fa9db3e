// The "connect" panel of an app: its issuer, discovery URL, and snippets that work as pasted
// (test/console/connect.test.ts runs the curl one). Right after creation the secret is filled
// in; later it is a placeholder, since only its hash is stored.
import type { AppView } from '../modules/apps/apps.service.js';

export interface ConnectPanel {
  issuer: string;
  discovery: string;
  tokenEndpoint: string;
  curl: string;
  openidClient: string;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const js = (s: string) => JSON.stringify(s);

export function connectPanel(baseUrl: string, realmName: string, app: AppView, secret?: string): ConnectPanel {
  const issuer = `${baseUrl}/realms/${realmName}`;
  const tokenEndpoint = `${issuer}/token`;
  const confidential = app.tokenEndpointAuthMethod !== 'none';
  const secretValue = secret ?? 'paste-your-client-secret';
  const head = [`CLIENT_ID=${sh(app.clientId)}`, ...(confidential ? [`CLIENT_SECRET=${sh(secretValue)}`] : [])];
  // RFC 6749 §2.3.1: the method the app is registered with is the only one the token endpoint takes.
  const post = app.tokenEndpointAuthMethod === 'client_secret_post';
  const auth = !confidential ? `-d client_id="$CLIENT_ID"` : post ? `-d client_id="$CLIENT_ID" -d client_secret="$CLIENT_SECRET"` : `-u "$CLIENT_ID:$CLIENT_SECRET"`;
  const redirect = app.redirectUris[0] ?? 'https://app.example.com/callback';
  // RFC 6749 §4.4 for service apps; §4.1.3 with the RFC 7636 verifier for apps that sign users in.
  const curl = app.grantTypes.includes('client_credentials')
    ? [...head, `curl -s ${auth} -d grant_type=client_credentials ${sh(tokenEndpoint)}`].join('\n')
    : [...head, `# After the sign-in: the code from the redirect and the PKCE verifier you made the challenge from`, `CODE='...'; CODE_VERIFIER='...'`,
      `curl -s ${auth} -d grant_type=authorization_code -d code="$CODE" -d code_verifier="$CODE_VERIFIER" --data-urlencode redirect_uri=${sh(redirect)} ${sh(tokenEndpoint)}`].join('\n');
  const insecure = issuer.startsWith('http:');
  const clientAuth = !confidential ? 'client.None()' : `client.${post ? 'ClientSecretPost' : 'ClientSecretBasic'}(${js(secretValue)})`;
  // openid-client refuses plain http unless told: only a local development issuer is http.
  const discoveryArgs = [`new URL(${js(issuer)})`, js(app.clientId), 'undefined', clientAuth, ...(insecure ? ['{ execute: [client.allowInsecureRequests] }'] : [])];
  const openidClient = app.grantTypes.includes('client_credentials')
    ? [`import * as client from 'openid-client';`, ``, `const config = await client.discovery(${discoveryArgs.join(', ')});`, `const tokens = await client.clientCredentialsGrant(config);`, `console.log(tokens.access_token);`].join('\n')
    : [
        `import * as client from 'openid-client';`,
        ``,
        `const config = await client.discovery(${discoveryArgs.join(', ')});`,
        `const codeVerifier = client.randomPKCECodeVerifier();`,
        `const state = client.randomState();`,
        `const url = client.buildAuthorizationUrl(config, {`,
        `  redirect_uri: ${js(redirect)},`,
        `  scope: 'openid profile email',`,
        `  code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),`,
        `  code_challenge_method: 'S256',`,
        `  state,`,
        `});`,
        `// Send the browser to url; at your redirect URI, with the URL it came back to:`,
        `const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: codeVerifier, expectedState: state });`,
        `console.log(tokens.claims());`,
      ].join('\n');
  return { issuer, discovery: `${issuer}/.well-known/openid-configuration`, tokenEndpoint, curl, openidClient };
}
