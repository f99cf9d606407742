import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  entry: ['src/index.ts', 'src/testing/index.ts'],
  // The contract suite imports vitest; the consumer's own copy is used.
  external: ['vitest'],
});
