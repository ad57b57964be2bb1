import { defineConfig } from 'vitest/config';

// One root config, a project per workspace. Server and e2e tests share one
// PostGIS test database (see scripts/setup.ts), so they run in one fork, one
// file at a time: the database, not the CPU, is the shared resource.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', root: 'shared', include: ['src/**/*.test.ts'] } },
      {
        test: {
          name: 'server',
          root: 'server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ['test/global-setup.ts'],
        },
      },
      { test: { name: 'scripts', root: 'scripts', include: ['**/*.test.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 300_000 } },
      {
        test: {
          name: 'client',
          root: 'client',
          include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
