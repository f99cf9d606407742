/** Shared by the CLI's end-to-end tests: run the built `cesce` as its own process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CesceClient } from '@cesce-connect/core';
import { testOutputDir } from './test-secrets.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built CLI (`pnpm test` builds first; run `pnpm build` before running one test file alone). */
export const cli = join(root, 'apps/cli/dist/cesce.js');
export const demoDir = join(root, 'examples/demo');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let runs = 0;

/** A fresh folder for one child's outputs: `outputs/` (scanned for secrets) or `emulators/` (not). */
function runFolder(kind: 'outputs' | 'emulators', args: readonly string[]): string {
  runs += 1;
  const label = args
    .filter((a) => !a.startsWith('-'))
    .slice(0, 2)
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, 40);
  const dir = join(testOutputDir(), kind, `${process.pid}-${String(runs).padStart(4, '0')}-${label || 'cesce'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Directories a run may write into: those of path-like arguments and environment values. */
function watchedDirs(args: readonly string[], env: Record<string, string>): string[] {
  const never = new Set([resolve('/'), resolve(tmpdir()), resolve(homedir()), resolve(root), resolve(process.cwd())]);
  const dirs = new Set<string>();
  for (const raw of [...args.flatMap((a) => (a.startsWith('--') && a.includes('=') ? [a.slice(a.indexOf('=') + 1)] : [a])), ...Object.values(env)]) {
    if (!raw || raw.startsWith('-') || /^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.includes('\n')) continue;
    if (!isAbsolute(raw) && !raw.includes('/') && !/\.[A-Za-z0-9]+$/.test(raw)) continue;
    const p = resolve(raw);
    let dir: string;
    try {
      dir = statSync(p).isDirectory() ? p : dirname(p);
    } catch {
      dir = dirname(p);
    }
    if (!never.has(dir) && existsSync(dir)) dirs.add(dir);
  }
  return [...dirs];
}

type Snapshot = Map<string, string>;

/** Files (3 levels deep at most) with their mtime and size. */
function snapshot(dirs: readonly string[]): Snapshot {
  const out: Snapshot = new Map();
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < 3 && e.name !== 'node_modules' && e.name !== '.git' && e.name !== 'dist') walk(p, depth + 1);
      } else if (e.isFile() && !out.has(p)) {
        try {
          const s = statSync(p);
          out.set(p, `${s.mtimeMs}:${s.size}`);
        } catch {
          // removed meanwhile
        }
      }
      if (out.size > 5000) return;
    }
  };
  for (const d of dirs) walk(d, 0);
  return out;
}

/** Copies the files the run created or changed into `dest/files/` for the end-of-suite secret scan. */
function keepWrittenFiles(before: Snapshot, dirs: readonly string[], dest: string): void {
  for (const [file, stamp] of snapshot(dirs)) {
    if (before.get(file) === stamp) continue;
    const target = join(dest, 'files', relative('/', file).split(sep).join('__'));
    try {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    } catch {
      // removed meanwhile (another test's cleanup)
    }
  }
}

/**
 * Runs `cesce ARGS…` asynchronously (emulators started by the test answer from the test's own
 * process, so a synchronous spawn would deadlock) and collects its output. Its stdout, stderr, temp
 * files and the files it wrote are kept for the suite's secret scan (see test-secrets.ts).
 */
export function runCli(args: string[], env: Record<string, string> = {}, onSpawn?: (child: ChildProcess) => void): Promise<CliRun> {
  const emulator = args[0] === 'emulate';
  const folder = runFolder(emulator ? 'emulators' : 'outputs', args);
  const childTmp = join(folder, 'tmp');
  mkdirSync(childTmp, { recursive: true });
  const dirs = emulator ? [] : watchedDirs(args, env);
  const before = snapshot(dirs);
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, TMPDIR: childTmp, TMP: childTmp, TEMP: childTmp, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err);
      writeFileSync(join(folder, 'stdout'), stdout);
      writeFileSync(join(folder, 'stderr'), stderr);
      if (!emulator) keepWrittenFiles(before, dirs, folder);
      resolvePromise({ code, signal, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') });
    });
    onSpawn?.(child);
  });
}

/** A Cesce client for the demo application and contract on a Cesce emulator. */
export function demoCesceClient(baseUrl: string): CesceClient {
  return new CesceClient({
    environment: 'sandbox',
    baseUrl,
    contractNo: '34109150331',
    credentials: { clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
  });
}

/** Starts `cesce emulate KIND ...args`, calls `use` with the URL it prints, then stops it with SIGTERM. */
export async function serving(kind: 'cesce' | 'odoo' | 'soap-erp', args: string[], use: (url: string) => Promise<void>): Promise<void> {
  const folder = runFolder('emulators', ['emulate', kind]);
  const child = spawn(process.execPath, [cli, 'emulate', kind, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Kept for inspection, outside the secret scan: an emulator holds the valid credentials as its data.
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      writeFileSync(join(folder, 'stdout'), Buffer.concat(out));
      writeFileSync(join(folder, 'stderr'), Buffer.concat(err));
      resolve(code);
    }),
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('close', () => reject(new Error('the emulator exited before printing its URL')));
    });
    await use(url);
  } finally {
    child.kill('SIGTERM');
    await exit;
  }
}
