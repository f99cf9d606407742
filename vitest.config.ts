import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['apps/cli/src/secret-scan.global-setup.ts'],
    projects: ['packages/*', 'apps/*', 'examples/connector-template', 'chaos'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
