// Two projects (house-style §9): "unit" = pure logic colocated in src/, no I/O;
// "integration" = test/ over real HTTP, real PostgreSQL and the WeChat simulator on a real socket.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          exclude: ['node_modules/**', '.data/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['node_modules/**', '.data/**'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          // Scans every log line and response of each file for secrets (test-catalogue S-01).
          setupFiles: ['test/support/leak-watch-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file gets its own database cloned from a migrated template (test/support/test-database.ts),
          // so files may run in parallel; two workers match the 2-core machine.
          pool: 'forks',
          maxWorkers: 2,
        },
      },
    ],
  },
});
