// gatehouse db migrate: applies pending migrations whatever MIGRATE_ON_START says, for
// deployments where a release step owns the schema and servers start with MIGRATE_ON_START=false.
import { applyMigrations } from '../../db/migrations/apply.js';
import { defineCommand, type CommandGroup } from '../command.js';
import { print } from '../output.js';

const migrate = defineCommand({
  group: 'db',
  name: 'migrate',
  summary: 'Apply pending database migrations and print their names.',
  details: ['Uses DATABASE_URL, or the embedded PostgreSQL under DATA_DIR when it is unset.'],
  options: {},
  async run({ open }) {
    // Opened without migrating, so the migrations applied here are the ones reported.
    const runtime = await open({ MIGRATE_ON_START: 'false' });
    const { applied } = await applyMigrations(runtime.databaseUrl, { log: (m) => runtime.logger.debug(m) });
    for (const name of applied) print(`applied ${name}`);
    if (!applied.length) print('database is up to date');
  },
});

export const dbCommands: CommandGroup = { name: 'db', summary: 'database schema', commands: [migrate] };
