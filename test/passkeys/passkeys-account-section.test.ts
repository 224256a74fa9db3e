// The account page's passkey section through its routes (mounted by test/passkeys/account-harness.ts
// as the account page mounts sections): list, add with a software authenticator, rename, remove
// (only with a recent sign-in), each audited; another user's or realm's passkey is a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser } from '../support/builders.js';
import { useGatehouse } from '../support/gatehouse.js';
import { SoftwareAuthenticator } from '../support/software-authenticator.js';
import { mfaRealm, textOf } from '../mfa/mfa-support.js';
import { HARNESS_CSRF, startAccountHarness } from './account-harness.js';
import { withPasskey } from './passkeys-support.js';

const gh = useGatehouse();
let harness: Awaited<ReturnType<typeof startAccountHarness>>;
beforeAll(async () => {
  harness = await startAccountHarness(gh());
});
afterAll(() => harness?.close());

const call = (path: string, init: { json?: unknown; form?: Record<string, string> } = {}) =>
  fetch(`${harness.url}${path}`, {
    method: init.json || init.form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: init.json ? { 'content-type': 'application/json', 'x-csrf-token': HARNESS_CSRF } : init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    body: init.json ? JSON.stringify(init.json) : init.form ? new URLSearchParams({ _csrf: HARNESS_CSRF, ...init.form }).toString() : undefined,
  });

describe('account page: passkeys section', () => {
  it('adds, lists, renames and removes (remove needs a recent sign-in); audited', async () => {
    const r = await mfaRealm(gh(), 'off');
    const user = await buildUser(gh(), r.realm);
    harness.session.userId = user.id;
    harness.session.recent = true;
    const base = `/realms/${r.realm.name}/account`;
    expect(textOf(await (await call(base)).text())).toContain('You have no passkeys yet.');

    const options = (await (await call(`${base}/passkeys/options`, { json: {} })).json()) as { challenge: string; user: { id: string; name: string } };
    expect(options.user.name).toBe(user.email);
    const authenticator = new SoftwareAuthenticator({ origin: gh().url, synced: true });
    const added = await call(`${base}/passkeys/register`, { json: { credential: authenticator.register(options), name: 'Phone <b>' } });
    expect(added.status).toBe(200);
    expect(await added.json()).toEqual({ redirect: `${base}#passkeys` });
    const listed = await (await call(base)).text();
    expect(listed).toContain('<strong>Phone &lt;b&gt;</strong> (synced)');
    expect(textOf(listed)).toContain('Never used');
    const [passkey] = await gh().prisma.passkeyCredential.findMany({ where: { realmId: r.realm.id, userId: user.id } });

    const renamed = await call(`${base}/passkeys/${passkey!.id}/rename`, { form: { name: 'My phone' } });
    expect([renamed.status, renamed.headers.get('location')]).toEqual([303, `${base}?notice=Passkey%20renamed.`]);
    expect((await call(`${base}/passkeys/${passkey!.id}/rename`, { form: { name: '   ' } })).status).toBe(400);

    harness.session.recent = false;
    const stale = await call(`${base}/passkeys/${passkey!.id}/remove`, { form: {} });
    expect([stale.status, stale.headers.get('location')]).toEqual([303, '/step-up']);
    expect(await gh().prisma.passkeyCredential.count({ where: { id: passkey!.id } })).toBe(1);
    harness.session.recent = true;
    expect((await call(`${base}/passkeys/${passkey!.id}/remove`, { form: {} })).status).toBe(303);
    expect(await gh().prisma.passkeyCredential.count({ where: { id: passkey!.id } })).toBe(0);
    const audit = await gh().prisma.auditEvent.findMany({ where: { realmId: r.realm.id, target: `user:${user.id}`, action: { startsWith: 'passkey.' } }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['passkey.registered', 'passkey.renamed', 'passkey.removed']);
  });

  it("cannot rename or remove another user's or another realm's passkey; bad ids are 404", async () => {
    const a = await mfaRealm(gh(), 'off');
    const b = await mfaRealm(gh(), 'off');
    const owner = await buildUser(gh(), a.realm);
    const { passkey } = await withPasskey(gh(), a, owner);
    const sameRealm = await buildUser(gh(), a.realm);
    const otherRealm = await buildUser(gh(), b.realm, { email: owner.email });
    harness.session.recent = true;
    for (const [realm, userId] of [[a.realm.name, sameRealm.id], [b.realm.name, otherRealm.id]] as const) {
      harness.session.userId = userId;
      expect((await call(`/realms/${realm}/account/passkeys/${passkey.id}/remove`, { form: {} })).status).toBe(404);
      expect((await call(`/realms/${realm}/account/passkeys/${passkey.id}/rename`, { form: { name: 'mine now' } })).status).toBe(404);
    }
    expect((await call(`/realms/${a.realm.name}/account/passkeys/not-an-id/remove`, { form: {} })).status).toBe(404);
    expect(await gh().prisma.passkeyCredential.findUniqueOrThrow({ where: { id: passkey.id } })).toMatchObject({ name: 'Passkey 1', userId: owner.id });
  });
});
