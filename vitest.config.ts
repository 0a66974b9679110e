import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/no-ci-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // e2e tests share one engine and one registry: keep files from stepping on each other.
    fileParallelism: false,
  },
});
