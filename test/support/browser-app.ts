// The app a browser test signs in to: a first-party web app in a realm whose redirect URI is a
// real local HTTP server, so the browser's last redirect ends on a page that answered. (An
// unanswered redirect ends on Chromium's error page, a late navigation that interrupts the
// test's next page.goto; and Playwright cannot route a request reached by a redirect.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { Realm } from '../../src/generated/prisma/client.js';
import type { TestGatehouse } from './gatehouse.js';

/** A fixed S256 challenge: these tests never redeem the code. */
const CODE_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

export interface AppCallback {
  url: string;
  close(): Promise<void>;
}

/** Listens on a free port on every interface (localhost may resolve to ::1 or 127.0.0.1). */
export async function startAppCallback(): Promise<AppCallback> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>App</title><h1>Signed in to the app</h1></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/cb`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A first-party web app in `realm` redirecting to `callback`, and its authorization URL. */
export async function browserApp(gh: TestGatehouse, realm: Realm, callback: string, name = 'Browser app') {
  const { app } = await gh.services.forRealm(realm).apps.create({ name, type: 'web', redirectUris: [callback], firstParty: true }, { actor: 'test' });
  const url = new URL(`${gh.url}/realms/${realm.name}/authorize`);
  const params = { client_id: app.clientId, response_type: 'code', scope: 'openid', redirect_uri: callback, code_challenge: CODE_CHALLENGE, code_challenge_method: 'S256' };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { app, authorize: url.href };
}

/** Runs `act` and waits until the page has loaded the app's callback; returns that URL. */
export async function leavesToApp(page: Page, callback: AppCallback, act: () => Promise<unknown>): Promise<URL> {
  await Promise.all([page.waitForURL((url) => url.href.startsWith(callback.url)), act()]);
  return new URL(page.url());
}
