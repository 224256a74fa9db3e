// Prisma CLI configuration. Only `generate`, `validate` and `format` use the CLI here:
// migrations are applied by src/db/migrations/ through Prisma's own schema engine compiled
// to WebAssembly, so nothing downloads a native engine (air-gapped installs work).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

// The CLI insists that a schema-engine binary exists before generate/validate even though
// those commands never run it. Point it at any existing file (see ../shared/ENVIRONMENT.md).
const placeholder = fileURLToPath(import.meta.url);
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(process.env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}
process.env.CHECKPOINT_DISABLE ??= '1';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Read process.env directly: prisma/config's env() throws when the variable is unset.
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/unused' },
});
