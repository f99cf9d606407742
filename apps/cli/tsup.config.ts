import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineConfig, type Options } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * src/help-facts.ts, evaluated once at build time and put into the bundle as JSON literals: the
 * values `--help` shows from the packages, without loading the packages when the CLI starts.
 * Only plain JSON data survives the round trip; anything else fails the build.
 */
function snapshotHelpFacts(): Plugin {
  return {
    name: 'snapshot-help-facts',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]help-facts\.ts$/ }, async (args) => {
        const compiled = await build.esbuild.build({
          entryPoints: [args.path],
          bundle: true,
          packages: 'external',
          format: 'esm',
          platform: 'node',
          target: 'node20',
          write: false,
        });
        // Under apps/cli/node_modules, so that the packages resolve as they do for the source.
        const cache = join(dirname(args.path), '..', 'node_modules', '.cache');
        mkdirSync(cache, { recursive: true });
        const tmp = join(cache, `help-facts.${process.pid}.${Date.now()}.mjs`);
        writeFileSync(tmp, compiled.outputFiles[0]!.text);
        let facts: Record<string, unknown>;
        try {
          facts = await import(pathToFileURL(tmp).href);
        } finally {
          rmSync(tmp, { force: true });
        }
        const lines = ['// Snapshot of src/help-facts.ts taken by the build (tsup.config.ts).'];
        for (const [name, value] of Object.entries(facts)) {
          const json = JSON.stringify(value);
          if (json === undefined || JSON.stringify(JSON.parse(json)) !== json || !isPlain(value)) {
            throw new Error(`src/help-facts.ts: export ${name} is not plain JSON data; only JSON values can be snapshotted into the build`);
          }
          lines.push(`export const ${name} = ${json};`);
        }
        return { contents: `${lines.join('\n')}\n`, loader: 'js' };
      });
    },
  };
}

/** Arrays, plain objects, strings, finite numbers, booleans and null, all the way down. */
function isPlain(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlain);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value as object).every(isPlain);
  return false;
}

export default defineConfig({
  ...packageBuild,
  entry: ['src/cesce.ts', 'src/index.ts'],
  banner: { js: '#!/usr/bin/env node' },
  // ESM code splitting (tsup's default for esm, stated here because the CLI relies on it): every
  // `await import('../actions/…')` becomes its own chunk, loaded only when that command runs.
  splitting: true,
  esbuildPlugins: [snapshotHelpFacts()],
});
