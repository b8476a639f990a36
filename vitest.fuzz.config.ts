// `npm run fuzz` (scripts/fuzz.ts): the fuzz runner alone, with the integration project's harness
// (global setup: the PostgreSQL template; setup file: the leak watch). One file, one worker: the
// surfaces run one after another, each over its own database and app.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/fuzz/run.fuzz.ts'],
    environment: 'node',
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/leak-watch-setup.ts'],
    testTimeout: 0,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
