// `cesce diagnose` of the demo setup: the built CLI as its own process against the Cesce and Odoo
// emulators (each its own process), wall clock from spawn to exit, start-up included.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cli, root, row, startEmulator } from '../lib.mjs';

function diagnoseOnce(env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, 'diagnose', '--config', join(root, 'examples/demo/cesce.config.json'), '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.once('exit', (code) => {
      const ms = performance.now() - t0;
      try {
        const report = JSON.parse(out);
        if (report.counts.fail > 0) return reject(new Error(`diagnose of the demo found blocking problems: ${report.results.filter((r) => r.status === 'fail').map((r) => r.id).join(', ')}`));
        resolve({ ms, code, report });
      } catch {
        reject(new Error(`cesce diagnose exited with ${code} and no JSON report`));
      }
    });
  });
}

export const diagnoseSuite = {
  name: 'diagnose',
  description: 'a full `cesce diagnose` of the demo setup against the local emulators (wall clock, median of 5)',
  async run({ quick }) {
    const [cesce, odoo] = await Promise.all([startEmulator(['cesce']), startEmulator(['odoo', '--data', join(root, 'examples/demo/odoo-dataset.json')])]);
    try {
      const env = { CESCE_BASE_URL: cesce.url, ODOO_URL: odoo.url };
      const runs = [];
      for (let i = 0; i < (quick ? 3 : 5); i += 1) runs.push(await diagnoseOnce(env));
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const wall = median(runs.map((r) => r.ms));
      const last = runs.at(-1).report;
      return [
        row(`cesce diagnose of the demo setup (${last.results.length} checks, wall clock)`, Math.round(wall), 'ms', '< 3000 ms', wall < 3000),
        row('cesce diagnose of the demo setup: time inside the checks', Math.round(median(runs.map((r) => r.report.durationMs))), 'ms'),
      ];
    } finally {
      await Promise.all([cesce.stop(), odoo.stop()]);
    }
  },
};
