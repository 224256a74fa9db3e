// Where Gatehouse's files outside the code live (views/, public/, prisma/, package.json): the
// nearest ancestor of the running module that holds prisma/schema.prisma. Found by looking, not
// by a fixed number of `..`, so it is the same whether the code runs as sources (src/, tsx), as
// compiled modules (dist/) or as the start-up bundle (dist/bundle/, see bin/launch.js), and from
// any working directory. Without one (a copied-out module), the working directory.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function find(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'prisma', 'schema.prisma'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

export const PROJECT_ROOT = find(dirname(fileURLToPath(import.meta.url)));
