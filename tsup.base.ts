import type { Options } from 'tsup';

/** What every package's build shares: ESM for Node 20 with type declarations and source maps. */
export const packageBuild = {
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
} satisfies Options;
