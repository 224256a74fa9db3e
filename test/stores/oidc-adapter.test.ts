// The oidc-provider adapter on each real store (memory; Redis when REDIS_URL is set): single use
// of codes and refresh tokens is a compare-and-set, and an already-expired artifact is not kept.
import { randomBytes, randomUUID } from 'node:crypto';
import { errors } from 'oidc-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArtifactProtector } from '../../src/stores/artifact-protection.js';
import { createAdapterFactory } from '../../src/stores/oidc-adapter.js';
import { artifactStoreKinds, openArtifactStore, type TestArtifactStore } from '../support/artifact-stores.js';

describe.each(artifactStoreKinds)('oidc adapter on the %s store', (kind) => {
  let opened: TestArtifactStore;
  let adapterFor: ReturnType<typeof createAdapterFactory>;
  beforeEach(async () => {
    opened = await openArtifactStore(kind);
    adapterFor = createAdapterFactory(opened.store, randomUUID(), createArtifactProtector(randomBytes(32)));
  });
  afterEach(async () => {
    await opened.close();
  });

  it('consumes a code once: of two concurrent consumes one wins, the other is invalid_grant and revokes the grant', async () => {
    const codes = adapterFor('AuthorizationCode');
    const tokens = adapterFor('AccessToken');
    const grants = adapterFor('Grant');
    await grants.upsert('g1', { jti: 'g1', kind: 'Grant' }, 600);
    await codes.upsert('c1', { jti: 'c1', kind: 'AuthorizationCode', grantId: 'g1' }, 60);
    await tokens.upsert('t1', { jti: 't1', kind: 'AccessToken', grantId: 'g1' }, 600);

    const results = await Promise.allSettled([codes.consume('c1'), codes.consume('c1')]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(errors.InvalidGrant);
    // RFC 6749 §4.1.2: a code used twice SHOULD revoke what was issued from it, as oidc-provider
    // does when it sees `consumed` itself.
    expect(await tokens.find('t1')).toBeUndefined();
    expect(await grants.find('g1')).toBeUndefined();
  });

  it('refuses a second consume of a refresh token that happens later, too', async () => {
    const refresh = adapterFor('RefreshToken');
    await refresh.upsert('r1', { jti: 'r1', kind: 'RefreshToken' }, 600);
    await refresh.consume('r1');
    expect((await refresh.find('r1'))?.consumed).toEqual(expect.any(Number));
    await expect(refresh.consume('r1')).rejects.toBeInstanceOf(errors.InvalidGrant);
  });

  it('refuses a reused pushed authorization request as an invalid request_uri (RFC 9126 §4)', async () => {
    const par = adapterFor('PushedAuthorizationRequest');
    await par.upsert('p1', { jti: 'p1', kind: 'PushedAuthorizationRequest' }, 60);
    await par.consume('p1');
    await expect(par.consume('p1')).rejects.toBeInstanceOf(errors.InvalidRequestUri);
  });

  it('does not store an artifact that has already expired, and removes the live copy it replaces', async () => {
    const sessions = adapterFor('Session');
    const codes = adapterFor('AuthorizationCode');
    await sessions.upsert('s1', { jti: 's1', kind: 'Session', uid: 'u1' }, 600);
    await sessions.upsert('s1', { jti: 's1', kind: 'Session', uid: 'u1' }, 0);
    await codes.upsert('c1', { jti: 'c1', kind: 'AuthorizationCode', grantId: 'g1' }, -5);

    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toBeUndefined();
    expect(await codes.find('c1')).toBeUndefined();
    // In Redis: no key without a TTL is left behind (it would never go away).
    const keys = await opened.redisKeys();
    if (keys) expect(keys.filter((k) => !k.includes(':uid:') && !k.includes(':members:'))).toEqual([]);
  });
});
