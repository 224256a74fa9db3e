// Single-use mailed tokens: stored as hashes, used once even when two requests race, bounded in
// time, superseded by a newer one, scoped to their realm; codes are locked after MAX_CODE_ATTEMPTS.
import { describe, expect, it } from 'vitest';
import { MAX_CODE_ATTEMPTS } from '../../src/modules/user-tokens/user-tokens.service.js';
import { sha256 } from '../../src/security/tokens.js';
import { buildRealm, buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';

const gh = useGatehouse();

async function setup() {
  const realm = await buildRealm(gh());
  const user = await buildUser(gh(), realm);
  return { user, scope: gh().services.forRealm(realm).scope, tokens: gh().services.userTokens };
}

describe('user tokens', () => {
  it('stores only the hash and works once, also when two requests race for it', async () => {
    const { user, scope, tokens } = await setup();
    const issued = await scope.inTransaction((tx) => tokens.issue(tx, user.id, 'password_reset'));
    const rows = await gh().prisma.userToken.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => r.hash)).toEqual([sha256(issued.token)]);
    expect(JSON.stringify(rows)).not.toContain(issued.token);

    const results = await Promise.all([tokens.consume(scope, 'password_reset', issued.token), tokens.consume(scope, 'password_reset', issued.token)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await tokens.consume(scope, 'password_reset', issued.token)).toBeNull();
  });

  it('is worth nothing in another realm, as another kind, once a newer one is issued, or after it expires', async () => {
    const { user, scope, tokens } = await setup();
    const other = await setup();
    const first = await scope.inTransaction((tx) => tokens.issue(tx, user.id, 'magic_link'));
    expect(await tokens.consume(other.scope, 'magic_link', first.token)).toBeNull();
    expect(await tokens.consume(scope, 'password_reset', first.token)).toBeNull();

    const second = await scope.inTransaction((tx) => tokens.issue(tx, user.id, 'magic_link'));
    expect(await tokens.consume(scope, 'magic_link', first.token)).toBeNull();

    await gh().prisma.userToken.updateMany({ where: { hash: sha256(second.token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await tokens.consume(scope, 'magic_link', second.token)).toBeNull();
    expect(await tokens.consume(scope, 'magic_link', 'x'.repeat(10_000))).toBeNull();
  });

  it('accepts the 6-digit code once, and locks it after too many wrong tries', async () => {
    const { user, scope, tokens } = await setup();
    const issued = await scope.inTransaction((tx) => tokens.issue(tx, user.id, 'email_verification'));
    expect(issued.code).toMatch(/^\d{6}$/);
    const wrong = issued.code === '000000' ? '000001' : '000000';
    expect(await tokens.consumeCode(scope, user.id, 'email_verification', wrong)).toEqual({ ok: false, reason: 'invalid' });
    const used = await tokens.consumeCode(scope, user.id, 'email_verification', issued.code!);
    expect(used.ok).toBe(true);
    expect(await tokens.consumeCode(scope, user.id, 'email_verification', issued.code!)).toEqual({ ok: false, reason: 'invalid' });

    const again = await scope.inTransaction((tx) => tokens.issue(tx, user.id, 'email_verification'));
    const bad = again.code === '999999' ? '999998' : '999999';
    const outcomes = [];
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) outcomes.push((await tokens.consumeCode(scope, user.id, 'email_verification', bad)) as { reason: string });
    expect(outcomes.at(-1)?.reason).toBe('locked');
    // Locked: even the right code no longer works; the link still does.
    expect(await tokens.consumeCode(scope, user.id, 'email_verification', again.code!)).toEqual({ ok: false, reason: 'locked' });
    expect(await tokens.consume(scope, 'email_verification', again.token)).not.toBeNull();
  });
});
