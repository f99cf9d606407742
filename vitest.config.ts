import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'examples/connector-template'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
