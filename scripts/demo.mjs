#!/usr/bin/env node
// The demo: start both emulators on free ports, run `cesce sync` against them with the demo
// config, print its summary, stop the emulators.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'apps/cli/dist/cesce.js');
const demo = join(root, 'examples/demo');
// The demo's own ledger (not the config's sync.ledger): it belongs to emulators that live for one
// demo only, so it must not stand in the way of runs against emulators started by hand.
const ledger = join(demo, '.cesce/pnpm-demo-ledger.sqlite');
const children = [];

function startEmulator(args, name) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'emulate', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (url) => resolve(url.trim()));
    child.once('exit', (code) => reject(new Error(`${name} emulator exited early (code ${code})`)));
  });
}

function run(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

function stopAll() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

let exitCode = 0;
try {
  // A fresh emulator holds no sales, so the demo starts from a fresh ledger too.
  for (const suffix of ['', '-wal', '-shm']) rmSync(ledger + suffix, { force: true });
  const [cesceUrl, odooUrl] = await Promise.all([
    startEmulator(['cesce'], 'Cesce'),
    startEmulator(['odoo', '--data', join(demo, 'odoo-dataset.json')], 'Odoo'),
  ]);
  console.log(`Cesce emulator: ${cesceUrl}\nOdoo emulator:  ${odooUrl}\n`);
  const env = { CESCE_BASE_URL: cesceUrl, ODOO_URL: odooUrl };
  const config = join(demo, 'cesce.config.json');
  const code = await run(['sync', '--config', config, '--ledger', ledger], env);
  // Exit code 2 means "finished with rejected items": the demo data contains some on purpose.
  if (code === 2) console.log('\nDemo finished: the rejected items above are in the demo data on purpose (exit code 2 in real use).');
  exitCode = code === 2 ? 0 : code;
} catch (error) {
  console.error(`demo: ${error.message}`);
  exitCode = 1;
} finally {
  stopAll();
}
process.exitCode = exitCode;
