// Secrets outside production: generated once and kept in the data folder, so a restart keeps
// sessions and can still decrypt signing keys. In production there is no default: MASTER_KEY
// must be set, or startup stops.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type Env } from './config.js';

export async function resolveMasterKey(env: Env): Promise<Buffer> {
  if (env.MASTER_KEY) return Buffer.from(env.MASTER_KEY, 'base64');
  if (env.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration:\n  MASTER_KEY: required in production (openssl rand -base64 32)');
  }
  const file = join(env.DATA_DIR, 'secrets.json');
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { masterKey?: string };
    if (stored.masterKey) return Buffer.from(stored.masterKey, 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await mkdir(env.DATA_DIR, { recursive: true });
  // wx: never overwrite a key another process wrote first.
  await writeFile(file, JSON.stringify({ masterKey: key.toString('base64') }), { mode: 0o600, flag: 'wx' }).catch(async (e) => {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  });
  const stored = JSON.parse(await readFile(file, 'utf8')) as { masterKey: string };
  return Buffer.from(stored.masterKey, 'base64');
}
