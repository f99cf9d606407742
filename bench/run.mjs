#!/usr/bin/env node
// `pnpm bench`: runs every benchmark suite in this folder, prints one table and writes
// bench/results.json (an array of rows: name, value, unit, target, met). Figures come from this
// run only; nothing is copied from earlier runs.
//
//   node bench/run.mjs [--only SUITE[,SUITE]] [--quick]
//
// --quick uses smaller sizes (for trying the script), and says so in every row name.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { suites } from './suites/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log(`Usage: pnpm bench [--only ${suites.map((s) => s.name).join(',')}] [--quick]\n\nSuites:\n${suites.map((s) => `  ${s.name.padEnd(14)} ${s.description}`).join('\n')}`);
  process.exit(0);
}
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
if (only) {
  const unknown = [...only].filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`bench: unknown suite ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
    process.exit(1);
  }
}

const rows = [];
let failed = false;
for (const suite of suites) {
  if (only && !only.has(suite.name)) continue;
  process.stderr.write(`bench: ${suite.name}: ${suite.description}...\n`);
  try {
    for (const row of await suite.run({ quick: values.quick })) rows.push(row);
  } catch (error) {
    failed = true;
    console.error(`bench: suite ${suite.name} failed: ${error?.stack ?? error}`);
  }
}

const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1)) : String(v));
const table = rows.map((r) => [r.name, `${fmt(r.value)} ${r.unit}`, r.target ?? '', r.met === null || r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
const head = ['benchmark', 'value', 'target', 'met'];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table) console.log(line(r));
writeFileSync(join(here, 'results.json'), `${JSON.stringify(rows, null, 2)}\n`);
console.log(`\n${rows.length} rows written to bench/results.json${rows.some((r) => r.met === false) ? '; some targets are not met' : ''}`);
process.exit(failed ? 1 : 0);
