/**
 * The built CLI starts without loading what only a running command needs: `cesce --help` and
 * `cesce <command> --help` import commander and the command definitions, nothing else, and the
 * values the help shows from the packages (snapshotted into the build from src/help-facts.ts) are
 * the packages' current ones. Needs the build, like the other e2e tests.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command, Option } from 'commander';
import { API_BASE_PATHS } from '@cesce-connect/core';
import { ALL_CHECKS, GROUP_TITLES } from '@cesce-connect/diagnostics';
import { DEFAULT_DATA_FILE } from '@cesce-connect/sandbox';
import { GENERATED } from '@cesce-connect/connector-odoo/testing';
import { SAP_DEMO_USER, SOAP_ERP_EMULATOR_PRESETS, SOAP_ERP_PITFALLS } from '@cesce-connect/connector-soap-erp/testing';
import { describe, expect, it } from 'vitest';
import { buildProgram as sourceProgram } from './program.js';
import { cli, root } from './test-support.js';

async function builtProgram(): Promise<Command> {
  const { buildProgram } = (await import(pathToFileURL(join(root, 'apps/cli/dist/index.js')).href)) as { buildProgram: () => Command };
  return buildProgram();
}

/** Every command's full name and `--help`, depth first. */
function helpTexts(program: Command): [string, string][] {
  const out: [string, string][] = [];
  const walk = (c: Command, prefix: string) => {
    let text = '';
    c.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s), getOutHelpWidth: () => 100, getErrHelpWidth: () => 100 });
    c.outputHelp();
    out.push([`${prefix}${c.name()}`, text]);
    for (const sub of c.commands) walk(sub, `${prefix}${c.name()} `);
  };
  walk(program, '');
  return out;
}

/** Static imports (not `import()`) of an ES module's text: `import … from "x"` and `import "x"`. */
function staticImports(code: string): string[] {
  return [...code.matchAll(/^\s*(?:import|export)\s+(?:[^'"();]*?\s+from\s+)?["']([^"']+)["'];?/gm)].map((m) => m[1]!);
}

/** Every bare specifier reachable from `entry` through static imports, following the build's own files. */
function startupImports(entry: string): { files: string[]; external: Set<string> } {
  const files: string[] = [];
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.includes(file)) return;
    files.push(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
      else external.add(spec);
    }
  };
  visit(entry);
  return { files, external };
}

const builtin = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('cesce start-up', () => {
  it('statically imports only commander and node built-ins: every action is loaded when its command runs', () => {
    const { files, external } = startupImports(cli);
    const heavy = [...external].filter((s) => s !== 'commander' && !builtin.has(s));
    expect(heavy, `statically imported by ${files.map((f) => f.slice(root.length + 1)).join(', ')}`).toEqual([]);
    expect(external).toContain('commander');
  });

  it('finds the static imports the check relies on (so that the check above can fail)', () => {
    expect(staticImports('import {\n  a\n} from "./chunk-X.js";\nimport "./chunk-Y.js";\nimport { z } from "zod";\nconst m = await import("./lazy.js");\nexport { q } from "@cesce-connect/core";')).toEqual([
      './chunk-X.js',
      './chunk-Y.js',
      'zod',
      '@cesce-connect/core',
    ]);
  });

  it('shows in --help the packages’ current values (check ids, demo logins, presets, pitfalls, APIs, demo data file)', async () => {
    const program = await builtProgram();
    const find = (path: string): Command => path.split(' ').reduce((c, name) => c.commands.find((s) => s.name() === name)!, program);
    const option = (path: string, flag: string): Option => find(path).options.find((o) => o.long === flag)!;
    const help = (path: string): string => {
      let text = '';
      find(path).configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
      find(path).outputHelp();
      return text;
    };

    const diagnose = help('diagnose');
    for (const group of Object.keys(GROUP_TITLES) as (keyof typeof GROUP_TITLES)[]) {
      const ids = ALL_CHECKS.filter((c) => c.group === group).map((c) => c.id);
      if (ids.length) expect(diagnose).toContain(`  ${group.padEnd(9)} ${GROUP_TITLES[group]}: ${ids.join(', ')}\n`);
    }
    expect(option('emulate cesce', '--data').defaultValue).toBe(DEFAULT_DATA_FILE);
    expect(help('emulate odoo')).toContain(`database "${GENERATED.database}", user "${GENERATED.login}", password or API key "${GENERATED.password}"`);
    const soapErp = help('emulate soap-erp');
    expect(option('emulate soap-erp', '--preset').description).toBe(`the ERP to emulate: ${SOAP_ERP_EMULATOR_PRESETS.join(' | ')}`);
    expect(soapErp).toContain(`basic auth ${SAP_DEMO_USER.username} / ${SAP_DEMO_USER.password}`);
    for (const preset of SOAP_ERP_EMULATOR_PRESETS) expect(soapErp).toContain(`  ${preset.padEnd(12)}  ${SOAP_ERP_PITFALLS[preset].join(', ')}\n`);
    expect(option('spec check', '--api').argChoices).toEqual(Object.keys(API_BASE_PATHS).filter((a) => a !== 'oauth2'));
  });

  it('prints the same --help for every command as the source, which reads the packages themselves', async () => {
    const built = helpTexts(await builtProgram());
    expect(built.length).toBeGreaterThan(10);
    expect(built).toEqual(helpTexts(sourceProgram()));
  });
});
