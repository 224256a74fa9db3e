// Test files run in parallel worker processes, each starting its own Gatehouse on a fresh
// database. Without DATABASE_URL one embedded PostgreSQL is started for the whole run (global
// setup) instead of one per worker.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI logs: the failing assertion, not a wall of passing names.
    reporters: process.env.CI ? ['dot'] : ['default'],
  },
});
