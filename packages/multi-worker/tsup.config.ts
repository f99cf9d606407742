import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  // src/testing/postgres.ts is the `@cesce-connect/multi-worker/testing` subpath: a real PostgreSQL
  // server for tests and the bench (dist/testing/postgres.js).
  entry: ['src/index.ts', 'src/testing/postgres.ts'],
});
