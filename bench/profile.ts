// A CPU profile of one server under one path's load, and its heaviest functions by self time.
// Usage: node --import tsx bench/profile.ts [--path 0 --server gatehouse --seconds 10 --connections 16]
//   --path: the row of token-paths.ts; writes the .cpuprofile (open it in Chrome DevTools) to --dir.
import autocannon from 'autocannon';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from './servers/start.js';
import { basicAuth, TOKEN_PATHS } from './token-paths.js';

const { values } = parseArgs({
  options: {
    path: { type: 'string', default: '0' }, server: { type: 'string', default: 'gatehouse' }, seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' }, dir: { type: 'string', default: 'bench-profiles' }, top: { type: 'string', default: '40' },
  },
});
const dir = resolve(values.dir);
const path = TOKEN_PATHS[Number(values.path)]!;
const server = await startServer(values.server === 'bare-provider' ? 'bare-provider' : 'gatehouse', ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
const before = new Set(await readdir(dir).catch(() => []));
const request = await path.request(server.target);
const result = await autocannon({
  url: request.url, method: 'POST', body: request.body, connections: Number(values.connections), duration: Number(values.seconds),
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(server.target) },
});
await server.stop();
console.log(`${server.name}, ${path.name}: ${Math.round(result['2xx'] / Number(values.seconds))} req/s, ${result.non2xx} non-2xx`);

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }
// One profile per thread (tsx's loader has one of its own): the main thread's is the largest.
const made = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
const sizes = await Promise.all(made.map(async (f) => (await stat(join(dir, f))).size));
const file = made[sizes.indexOf(Math.max(...sizes))]!;
const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as { nodes: Node[] };
const total = profile.nodes.reduce((a, n) => a + n.hitCount, 0);
const self = new Map<string, number>();
for (const n of profile.nodes) {
  const where = n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/');
  const key = `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.hitCount);
}
console.log(`${join(dir, file)}: ${total} samples; self time:`);
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${((100 * hits) / total).toFixed(1).padStart(5)}%  ${key}`);
process.exit(0);
