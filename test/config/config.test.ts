// Configuration as an operator meets it: a bad variable stops startup with a message naming it
// (and never echoing a secret), production demands MASTER_KEY, development keeps a generated one
// in DATA_DIR, and the defaults are the ones the product promises.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildConfig, ConfigError, parseEnv } from '../../src/config/config.js';
import { resolveMasterKey } from '../../src/config/secrets.js';
import { parseRealmSettings } from '../../src/realms/realm-settings.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-config-'));
  dirs.push(dir);
  return dir;
}

/** The ConfigError `fn` throws (sync or async). */
async function configError(fn: () => unknown): Promise<ConfigError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const key = (bytes: number) => randomBytes(bytes).toString('base64');

describe('parseEnv: a bad variable is named in the error', () => {
  it.each([
    ['PORT', 'not-a-port'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://user@localhost/db'],
    ['DATABASE_URL', 'localhost:5432'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['BASE_URL', 'not a url'],
    ['MASTER_KEY', key(16)],
    ['MASTER_KEY', key(64)],
    ['NODE_ENV', 'staging'],
    ['TRUST_PROXY', 'maybe'],
    // "Trust every hop" would make the client-written leftmost X-Forwarded-For entry the client IP.
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', 'loopback, proxy.example.com'],
    ['ARGON2_MEMORY_KIB', '1024'],
    ['LOCKOUT_FAILURES', '0'],
  ])('%s=%s', async (name, value) => {
    const err = await configError(() => parseEnv({ [name]: value }));
    expect(err.message).toMatch(new RegExp(`^\\s+${name}: `, 'm'));
    expect(err.message.split('\n').filter((l) => /^\s+\w+: /.test(l))).toHaveLength(1);
  });

  it('names every bad variable at once', async () => {
    const err = await configError(() => parseEnv({ PORT: 'x', DATABASE_URL: 'mysql://x', MASTER_KEY: key(8) }));
    for (const name of ['PORT', 'DATABASE_URL', 'MASTER_KEY']) expect(err.message).toMatch(new RegExp(`^\\s+${name}: `, 'm'));
  });

  it('does not repeat a bad MASTER_KEY value in the message', async () => {
    const bad = key(31);
    const err = await configError(() => parseEnv({ MASTER_KEY: bad }));
    expect(err.message).toContain('MASTER_KEY');
    expect(err.message).not.toContain(bad);
  });

  it('treats an empty value as unset', () => {
    const env = parseEnv({ REDIS_URL: '', DATABASE_URL: '', PORT: '' });
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
  });
});

describe('resolveMasterKey', () => {
  it('refuses production without MASTER_KEY, naming it', async () => {
    const err = await configError(async () => resolveMasterKey(parseEnv({ NODE_ENV: 'production', BASE_URL: 'https://id.example.com', TRUST_PROXY: '1', DATA_DIR: await tempDir() })));
    expect(err.message).toMatch(/^\s+MASTER_KEY: /m);
  });

  it('uses MASTER_KEY when set, in any environment', async () => {
    const given = randomBytes(32);
    const dataDir = await tempDir();
    for (const NODE_ENV of ['production', 'development']) {
      expect(await resolveMasterKey(parseEnv({ NODE_ENV, BASE_URL: 'http://localhost:3000', MASTER_KEY: given.toString('base64'), DATA_DIR: dataDir }))).toEqual(given);
    }
    await expect(stat(join(dataDir, 'secrets.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('outside production generates a key once in DATA_DIR/secrets.json (mode 0600) and returns it again', async () => {
    const dataDir = join(await tempDir(), 'not', 'yet', 'there');
    const env = parseEnv({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const first = await resolveMasterKey(env);
    expect(first).toHaveLength(32);
    const file = join(dataDir, 'secrets.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ masterKey: first.toString('base64') });

    expect(await resolveMasterKey(env)).toEqual(first);
    // Another data folder, another key.
    expect(await resolveMasterKey(parseEnv({ NODE_ENV: 'development', DATA_DIR: await tempDir() }))).not.toEqual(first);
  });

  it('gives every concurrent first start the same key', async () => {
    const env = parseEnv({ NODE_ENV: 'development', DATA_DIR: await tempDir() });
    const keys = await Promise.all(Array.from({ length: 8 }, () => resolveMasterKey(env)));
    for (const k of keys) expect(k).toEqual(keys[0]);
  });

  it('keeps a key written before (a restart decrypts what it encrypted)', async () => {
    const dataDir = await tempDir();
    const stored = randomBytes(32);
    await writeFile(join(dataDir, 'secrets.json'), JSON.stringify({ masterKey: stored.toString('base64') }), { mode: 0o600 });
    expect(await resolveMasterKey(parseEnv({ NODE_ENV: 'test', DATA_DIR: dataDir }))).toEqual(stored);
  });
});

describe('defaults', () => {
  it('builds the promised configuration from an empty environment', () => {
    const masterKey = randomBytes(32);
    const config = buildConfig(parseEnv({}), masterKey);
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      baseUrl: 'http://localhost:3000',
      dataDir: '.data',
      masterKey,
      trustProxy: false,
      argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
      demo: true,
      migrateOnStart: true,
      rateLimits: { lockoutFailures: 5, lockoutSeconds: 300 },
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ['false', false], ['0', false], ['1', 1], ['2', 2],
    ['10.0.0.0/8, loopback', ['10.0.0.0/8', 'loopback']], ['192.0.2.7,2001:db8::/32', ['192.0.2.7', '2001:db8::/32']],
  ] as const)('TRUST_PROXY=%s is trusted as %j', (value, trusted) => {
    expect(buildConfig(parseEnv({ TRUST_PROXY: value }), randomBytes(32)).trustProxy).toEqual(trusted);
  });

  it('has no demo in production, and a BASE_URL without trailing slash', () => {
    const config = buildConfig(parseEnv({ NODE_ENV: 'production', BASE_URL: 'https://id.example.com/', TRUST_PROXY: '1', MASTER_KEY: key(32) }), randomBytes(32));
    expect(config).toMatchObject({ demo: false, baseUrl: 'https://id.example.com' });
  });

  it('gives token lifetimes of 15 min (access), 1 h (ID), 30 d absolute / 14 d idle (refresh), 60 s (code)', () => {
    const { tokenLifetimes } = parseRealmSettings(undefined);
    expect(tokenLifetimes).toMatchObject({
      accessToken: 900,
      idToken: 3600,
      refreshTokenAbsolute: 30 * 86_400,
      refreshTokenIdle: 14 * 86_400,
      authorizationCode: 60,
    });
    // A stored value is kept; a broken settings row falls back to the defaults rather than failing the realm.
    expect(parseRealmSettings({ tokenLifetimes: { accessToken: 300 } }).tokenLifetimes).toMatchObject({ accessToken: 300, idToken: 3600 });
    expect(parseRealmSettings({ tokenLifetimes: { accessToken: 'soon' } }).tokenLifetimes.accessToken).toBe(900);
  });
});

describe('parseEnv: variables that cannot work together are refused at startup, naming each', () => {
  /** The problem lines of the error: `  VAR[, VAR]: message`. */
  const problemLines = async (env: Record<string, string>) =>
    (await configError(() => parseEnv(env))).message.split('\n').filter((l) => /^\s+[A-Z_]+(, [A-Z_]+)*: /.test(l));

  it('an https BASE_URL with TRUST_PROXY=false (every secure cookie would fail on the plain-HTTP socket)', async () => {
    for (const TRUST_PROXY of [undefined, 'false']) {
      const lines = await problemLines({ BASE_URL: 'https://id.example.com', ...(TRUST_PROXY ? { TRUST_PROXY } : {}) });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\s+BASE_URL, TRUST_PROXY: .*TRUST_PROXY/);
    }
    // With a trusted proxy (which sends X-Forwarded-Proto: https) it starts.
    expect(parseEnv({ BASE_URL: 'https://id.example.com', TRUST_PROXY: '1' }).BASE_URL).toBe('https://id.example.com');
    expect(parseEnv({ BASE_URL: 'https://id.example.com', TRUST_PROXY: '10.0.0.0/8' }).BASE_URL).toBe('https://id.example.com');
  });

  it.each([
    ['a path', 'http://localhost:3000/auth', /without a path/],
    ['a query', 'http://localhost:3000/?x=1', /query or fragment/],
    ['a fragment', 'http://localhost:3000/#top', /query or fragment/],
    ['credentials', 'http://user:pw@localhost:3000', /credentials/],
    ['another scheme', 'ftp://localhost:3000', /http:\/\/ or https:\/\//],
  ])('a BASE_URL with %s (the issuer is an origin: RFC 8414 §2)', async (_what, BASE_URL, message) => {
    const lines = await problemLines({ BASE_URL });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\s+BASE_URL: /);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).not.toContain('pw@');
  });

  it('production with an http BASE_URL other than localhost, or with no BASE_URL at all', async () => {
    const base = { NODE_ENV: 'production', MASTER_KEY: key(32) };
    expect(await problemLines({ ...base, BASE_URL: 'http://id.example.com' })).toEqual([expect.stringMatching(/^\s+BASE_URL, NODE_ENV: production needs an https BASE_URL/)]);
    expect(await problemLines(base)).toEqual([expect.stringMatching(/^\s+BASE_URL, NODE_ENV: BASE_URL is required in production/)]);
    // A local trial of the production image (docker compose's default) stays possible.
    for (const BASE_URL of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) expect(parseEnv({ ...base, BASE_URL }).BASE_URL).toBe(BASE_URL);
    // Outside production, http anywhere is a developer's choice.
    expect(parseEnv({ BASE_URL: 'http://dev.example.test:3000' }).BASE_URL).toBe('http://dev.example.test:3000');
  });

  it('PORT=0 (a random port) without BASE_URL, which the default cannot name', async () => {
    expect(await problemLines({ PORT: '0' })).toEqual([expect.stringMatching(/^\s+BASE_URL, PORT: /)]);
    expect(parseEnv({ PORT: '0', BASE_URL: 'http://localhost:8080' }).PORT).toBe(0);
  });

  it('accepts a BASE_URL whose port differs from PORT (a port mapping or a proxy in front)', () => {
    expect(parseEnv({ PORT: '3000', BASE_URL: 'http://localhost:8080', HOST: '127.0.0.1' }).BASE_URL).toBe('http://localhost:8080');
  });
});
