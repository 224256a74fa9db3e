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
    // A worker runs its files one after another in one process, modules loaded once: loading
    // Gatehouse's modules and the first start's engines took ~3 s of CPU per file, about 40% of
    // a run (118 files on 2 cores: 797 s before, 441 s without isolation and with
    // test/support/gatehouse.ts's cheaper argon2). Every file starts Gatehouses of its own on
    // fresh databases, so what a file shares with the next is only module code and process
    // globals: a test that changes a global (a spy, fake timers, process.env) restores it.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI logs: the failing assertion, not a wall of passing names.
    reporters: process.env.CI ? ['dot'] : ['default'],
  },
});
