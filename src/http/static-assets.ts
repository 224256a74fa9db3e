// Browser assets, all served by Gatehouse itself (no CDN): our own scripts from public/ at
// /static/, and browser builds of npm packages at /static/vendor/<name>/ from node_modules.
// Pages that load them are sent with a CSP allowing script from 'self' only (views.ts), so no
// inline script ever runs. Only the folders listed here are reachable; dotfiles are refused.
import express, { Router } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../project-root.js';

export const PUBLIC_DIR = join(PROJECT_ROOT, 'public');
export const STATIC_PATH = '/static';

const require = createRequire(import.meta.url);
/** A package's folder: up from its entry point to the package.json that names it (exports may hide package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package folder found for ${name}`);
    dir = up;
  }
  return dir;
}

/** npm packages whose browser build pages may import: URL name → folder inside the package. */
const VENDOR: Record<string, { pkg: string; dir: string }> = {
  // ES modules (relative imports inside the folder): import from /static/vendor/simplewebauthn/index.js
  simplewebauthn: { pkg: '@simplewebauthn/browser', dir: 'esm' },
  // One self-contained file defining <openapi-explorer>: the API reference page (/api/v1/docs).
  'openapi-explorer': { pkg: 'openapi-explorer', dir: 'dist/browser' },
};

/** The URL of a vendor file, e.g. vendorUrl('simplewebauthn', 'index.js'). */
export const vendorUrl = (name: keyof typeof VENDOR & string, file: string) => `${STATIC_PATH}/vendor/${name}/${file}`;

export function staticAssets(): Router {
  const router = Router();
  const options = {
    dotfiles: 'deny' as const,
    index: false as const,
    fallthrough: true,
    // Short: a new release's files are picked up within five minutes, without hashed names.
    maxAge: '5m',
    setHeaders: (res: express.Response) => res.setHeader('Cross-Origin-Resource-Policy', 'same-origin'),
  };
  for (const [name, { pkg, dir }] of Object.entries(VENDOR)) router.use(`/vendor/${name}`, express.static(join(packageDir(pkg), dir), options));
  router.use(express.static(PUBLIC_DIR, options));
  return router;
}
