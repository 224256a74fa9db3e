// Realm creation takes its key pairs from the process's key pool (src/modules/signing-keys/
// key-pool.ts): no pair is ever used twice, each realm publishes only its own keys (ES256 and
// RS256, as before the pool), and the private halves are stored sealed.
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { createKeyPool } from '../../src/modules/signing-keys/key-pool.js';
import { buildRealm } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';

describe('key pool', () => {
  it('generates on the spot while not started, fills to its size once started, and empties on close', async () => {
    const pool = createKeyPool({ algs: ['ES256', 'RS256'], size: 2 });
    const spot = await pool.take('RS256');
    expect(spot.privateJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: spot.kid });
    expect(pool.ready('RS256')).toBe(0);

    pool.start();
    await vi.waitFor(() => expect([pool.ready('ES256'), pool.ready('RS256')]).toEqual([2, 2]), { timeout: 20_000 });
    const taken = await pool.take('ES256');
    expect(taken.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: taken.kid });
    expect(taken.publicJwk).not.toHaveProperty('d');
    await vi.waitFor(() => expect(pool.ready('ES256')).toBe(2), { timeout: 20_000 });

    pool.close();
    expect([pool.ready('ES256'), pool.ready('RS256')]).toEqual([0, 0]);
  });
});

describe('realm creation with the key pool', () => {
  const gh = useGatehouse({ SIGNING_KEY_POOL_SIZE: '2' });

  const jwksOf = async (realm: string) => {
    const res = await fetch(`${gh().url}/realms/${realm}/jwks`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { keys: Array<{ kid: string; alg: string; d?: string }> }).keys;
  };

  it('gives every realm its own fresh ES256 and RS256 keys, published in its JWKS only, stored sealed', async () => {
    await vi.waitFor(() => expect(gh().services.signingKeyPool.ready('RS256')).toBe(2), { timeout: 20_000 });
    // More realms than the pool holds: those past it get pairs made on the spot.
    const realms = [];
    for (let i = 0; i < 4; i++) realms.push(await buildRealm(gh()));

    const published = [];
    for (const r of realms) published.push(await jwksOf(r.name));
    for (const keys of published) {
      expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
      for (const key of keys) expect(key.d).toBeUndefined();
    }
    const kids = published.flat().map((k) => k.kid);
    expect(new Set(kids).size).toBe(kids.length);

    const client = new pg.Client({ connectionString: gh().databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ realmId: string; kid: string; privateJwk: string }>('SELECT "realmId", kid, "privateJwk" FROM "SigningKey"');
      for (const [i, realm] of realms.entries()) {
        const own = rows.filter((r) => r.realmId === realm.id);
        expect(own.map((r) => r.kid).sort()).toEqual(published[i]!.map((k) => k.kid).sort());
        for (const row of own) expect(row.privateJwk).toMatch(/^v1\./);
      }
    } finally {
      await client.end();
    }
  });
});
