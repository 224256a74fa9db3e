import { createPrisma } from '../../src/db/prisma.js';
const { prisma, sql, close } = createPrisma('postgresql://postgres@127.0.0.1:5432/mbtest');
const N = 2000;
async function t(name: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 300; i++) await f();
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < N; i++) await f();
  const c = process.cpuUsage(c0);
  console.log(name.padEnd(12), 'cpu µs/query', ((c.user + c.system) / N).toFixed(0), 'wall µs', ((performance.now() - t0) * 1000 / N).toFixed(0));
}
const prefix = 'gh_rk_nothere';
for (let r = 0; r < 2; r++) {
  await t('model', () => prisma.apiKey.findUnique({ where: { prefix } }));
  await t('queryRaw', () => prisma.$queryRaw`SELECT * FROM "ApiKey" WHERE "prefix" = ${prefix}`);
  await t('pool', () => sql.query('SELECT * FROM "ApiKey" WHERE "prefix" = $1', [prefix]));
  await t('pool named', () => sql.query({ name: 'apikey-by-prefix', text: 'SELECT * FROM "ApiKey" WHERE "prefix" = $1', values: [prefix] }));
}
await close();
