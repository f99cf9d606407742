// Shared helpers of the benchmark suites: start a CLI emulator as its own process, run a worker
// script as its own process (so its peak memory is its own), and build result rows.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const maxRssPreload = join(root, 'bench/workers/max-rss.cjs');

/**
 * Runs the built CLI (`node apps/cli/dist/cesce.js ARGS…`) as its own process, to its exit.
 * Resolves to { code, signal, stdout, stderr, ms (spawn to exit), memory } where `memory`, with
 * `measureMemory`, is what bench/workers/max-rss.cjs (preloaded with --require) saw of the process:
 * { maxRssMb (getrusage), peakHeapUsedMb, peakHeapTotalMb, peakExternalMb, samples }.
 */
export function runCli(args, { env = {}, measureMemory = false, nodeArgs = [] } = {}) {
  return new Promise((resolve, reject) => {
    const dir = measureMemory ? mkdtempSync(join(tmpdir(), 'cesce-bench-rss-')) : null;
    const memoryFile = dir ? join(dir, 'memory.json') : null;
    const pre = measureMemory ? ['--require', maxRssPreload] : [];
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, ...pre, cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, ...(memoryFile ? { CESCE_BENCH_MEMORY_FILE: memoryFile } : {}) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ms = performance.now() - t0;
      let memory = null;
      if (memoryFile) {
        try {
          memory = JSON.parse(readFileSync(memoryFile, 'utf8'));
        } catch {
          memory = null;
        }
        rmSync(dir, { recursive: true, force: true });
      }
      resolve({ code, signal, stdout, stderr, ms, memory });
    });
  });
}

/** GET URL → parsed JSON (the emulators' own counters). */
export async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered HTTP ${res.status}`);
  return res.json();
}

/** The median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** "10k", "100k", "2k", "500". */
export function label(n) {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}
