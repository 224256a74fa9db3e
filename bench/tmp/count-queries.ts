import pg from 'pg';
import { buildApp, buildRealm, buildUser } from '../../test/support/builders.js';
import { startTestGatehouse } from '../../test/support/gatehouse.js';
import { SIGN_IN_LIMITS_OFF } from '../support.js';
const seen: string[] = [];
const orig = pg.Client.prototype.query;
(pg.Client.prototype as any).query = function (this: unknown, q: any, ...rest: unknown[]) { seen.push(typeof q === 'string' ? q : q?.text ?? String(q)); return (orig as any).call(this, q, ...rest); };
const gh = await startTestGatehouse({ LOG_LEVEL: 'warn', ...SIGN_IN_LIMITS_OFF });
const realm = await buildRealm(gh);
const { key } = await gh.services.apiKeys.create({ kind: 'realm', realmId: realm.id, name: 'bench' }, { actor: 'bench' });
const { app } = await buildApp(gh, realm, { firstParty: true, directAuth: true });
const user = await buildUser(gh, realm);
const url = `${gh.url}/api/v1/realms/${realm.name}/auth/sign-in`;
const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
const body = JSON.stringify({ clientId: app.clientId, email: user.email, password: user.password });
for (let i = 0; i < 3; i++) await (await fetch(url, { method: 'POST', headers, body })).text();
await gh.auditWriter.flush();
seen.length = 0;
const N = 10;
for (let i = 0; i < N; i++) { const r = await fetch(url, { method: 'POST', headers, body }); if (r.status !== 200) console.log(r.status, await r.text()); else await r.text(); }
await new Promise((r) => setTimeout(r, 300));
const counts = new Map<string, number>();
for (const q of seen) { const k = q.replace(/\s+/g, ' ').slice(0, 150); counts.set(k, (counts.get(k) ?? 0) + 1); }
console.log('queries per sign-in', seen.length / N);
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log((v / N).toFixed(1), k);
await gh.close();
process.exit(0);
