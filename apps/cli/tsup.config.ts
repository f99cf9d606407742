import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig({
  ...packageBuild,
  entry: ['src/cesce.ts', 'src/index.ts'],
  banner: { js: '#!/usr/bin/env node' },
});
