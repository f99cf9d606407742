// Shared helpers of the benchmark suites: start a CLI emulator as its own process, run a worker
// script as its own process (so its peak memory is its own), and build result rows.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cli = join(root, 'apps/cli/dist/cesce.js');

/** Starts `cesce emulate ARGS…`; resolves to { url, stop } once it prints its URL. */
export function startEmulator(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'emulate', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const onExit = (code) => reject(new Error(`cesce emulate ${args.join(' ')} exited early (code ${code})`));
    child.once('exit', onExit);
    lines.once('line', (url) => {
      child.off('exit', onExit);
      resolve({
        url: url.trim(),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Runs `node SCRIPT ARGS…`; resolves to the JSON object the script prints as its last stdout line. */
export function runWorker(script, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${script} exited with code ${code}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} printed no JSON result: ${last.slice(0, 200)}`));
      }
    });
  });
}

/** A result row; `met` is null when the row has no target. */
export function row(name, value, unit, target = null, met = null) {
  return { name, value, unit, target, met };
}
