import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '@cesce-connect/core';
import { profileSchema, type SoapErpProfile } from './schema.js';

/** The presets shipped in `presets/`, by name. */
export const PRESETS = ['sap-bapi', 'dynamics-nav'] as const;
export type PresetName = (typeof PRESETS)[number];

/** Directory of the shipped preset files (next to `dist/` in the package; `src/profile/` when run from source). */
export function presetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromDist = join(here, '..', 'presets');
  const fromSource = join(here, '..', '..', 'presets');
  return existsSync(fromDist) || !existsSync(fromSource) ? fromDist : fromSource;
}

export interface LoadedProfile {
  profile: SoapErpProfile;
  /** Where relative WSDL paths of the profile are resolved. */
  dir: string;
  /** The file it came from, or `preset:<name>`. */
  source: string;
}

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/**
 * zod reports a value that fits none of a union's shapes as one "Invalid input" at the union: say
 * instead what is wrong in the shape that came closest (the branch whose issues reach deepest),
 * e.g. the unknown transform inside a field map.
 */
function explain(issues: readonly Issue[], prefix: PropertyKey[] = []): { path: PropertyKey[]; message: string }[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code !== 'invalid_union' || !issue.errors || issue.errors.length === 0) return [{ path, message: issue.message }];
    const depth = (branch: Issue[]) => Math.max(0, ...branch.map((i) => i.path.length + (i.code === 'invalid_union' ? 1 : 0)));
    const closest = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    return depth(closest) === 0 ? [{ path, message: issue.message }] : explain(closest, path);
  });
}

/** Validates a parsed profile; errors name the source and every field at fault. */
export function parseProfile(data: unknown, source: string): SoapErpProfile {
  const parsed = profileSchema.safeParse(data);
  if (!parsed.success) {
    throw new ConfigError(
      `SOAP ERP profile ${source}`,
      explain(parsed.error.issues).map((i) => ({ path: i.path.length > 0 ? i.path.join('.') : '(root)', message: i.message })),
    );
  }
  return parsed.data;
}

/**
 * Loads a profile: a preset name (`sap-bapi`, `dynamics-nav`) or a JSON/YAML file path
 * (relative to `baseDir`).
 */
export function loadProfile(nameOrFile: string, baseDir: string = process.cwd()): LoadedProfile {
  const isPreset = (PRESETS as readonly string[]).includes(nameOrFile);
  const file = isPreset ? join(presetsDir(), `${nameOrFile}.json`) : isAbsolute(nameOrFile) ? nameOrFile : resolve(baseDir, nameOrFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`SOAP ERP profile ${nameOrFile}`, [
      { path: '(file)', message: `cannot read ${file} (${code ?? String(error)}); give a preset (${PRESETS.join(', ')}) or the path of a profile file` },
    ]);
  }
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`SOAP ERP profile ${file}`, [{ path: '(file)', message: `not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(error as Error).message}` }]);
  }
  return { profile: parseProfile(data, file), dir: dirname(file), source: isPreset ? `preset:${nameOrFile}` : file };
}
