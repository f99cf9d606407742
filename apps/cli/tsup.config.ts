import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cesce.ts', 'src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
