/** Shared by the CLI's end-to-end tests: run the built `cesce` as its own process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CesceClient } from '@cesce-connect/core';

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

/**
 * Runs `cesce ARGS…` asynchronously (emulators started by the test answer from the test's own
 * process, so a synchronous spawn would deadlock) and collects its output.
 */
export function runCli(args: string[], env: Record<string, string> = {}, onSpawn?: (child: ChildProcess) => void): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
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
  const child = spawn(process.execPath, [cli, 'emulate', kind, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
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
