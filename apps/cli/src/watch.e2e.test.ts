/**
 * `cesce sync --watch`: the built CLI runs as its own process against the emulators on 127.0.0.1.
 * It runs again and again, survives the ERP going down between runs (the failed run is reported,
 * the loop goes on and picks up once the ERP is back), declares nothing twice, and stops with exit
 * 0 on SIGTERM/SIGINT between runs. Bad --watch values are refused before any run.
 */
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCesceEmulator } from '@cesce-connect/sandbox';
import { startOdooEmulator, type OdooDataset } from '@cesce-connect/connector-odoo/testing';
import { demoCesceClient, demoDir, runCli } from './test-support.js';

const demoConfig = join(demoDir, 'cesce.config.json');
const demo = JSON.parse(readFileSync(join(demoDir, 'odoo-dataset.json'), 'utf8')) as OdooDataset;
const dir = mkdtempSync(join(tmpdir(), 'cesce-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Collects stdout lines of a running child; `next(predicate)` waits for the next line that matches. */
function lines(child: ChildProcess) {
  const seen: string[] = [];
  const waiters: { test: (l: string) => boolean; resolve: (l: string) => void; from: number }[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      seen.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      for (const w of [...waiters]) {
        const hit = seen.slice(w.from).find(w.test);
        if (hit !== undefined) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(hit);
        }
      }
    }
  });
  return {
    seen,
    next(test: (l: string) => boolean, timeoutMs = 15_000): Promise<string> {
      const from = seen.length;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; got:\n${seen.join('\n')}`)), timeoutMs);
        waiters.push({ test, from, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}

describe('cesce sync --watch', () => {
  it('runs repeatedly, survives the ERP going down between runs, declares nothing twice, stops with exit 0', async () => {
    const cesce = await startCesceEmulator();
    let odoo = await startOdooEmulator({ dataset: structuredClone(demo) });
    const port = Number(new URL(odoo.url).port);
    let child: ChildProcess | undefined;
    try {
      const env = { CESCE_BASE_URL: cesce.url, ODOO_URL: odoo.url };
      const ledger = join(dir, 'watch.sqlite');
      const done = runCli(['sync', '--config', demoConfig, '--ledger', ledger, '--watch', '1s', '--json'], env, (c) => (child = c));
      const out = lines(child!);
      const parse = (l: string) => JSON.parse(l) as Record<string, unknown>;
      const first = parse(await out.next(() => true));
      expect(first).toMatchObject({ run: 1, ok: true, exitCode: 2, mode: 'full', nextRunInMs: 1000 });
      expect(first.declared as number).toBeGreaterThan(100);
      expect(first.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

      // Status reads the ledger while the watch holds it (running or between runs).
      const status = await runCli(['status', '--ledger', ledger]);
      expect(status.code).toBe(2);
      expect(status.stdout).toContain('Rejected by Cesce (2):');

      // The ERP goes down: the next run fails, is reported, and the loop goes on.
      await odoo.close();
      const failed = parse(await out.next((l) => parse(l).ok === false));
      expect(failed).toMatchObject({ ok: false, exitCode: 1, needsAttention: false });
      expect(JSON.stringify(failed.error)).toMatch(/odoo|ERP|127\.0\.0\.1/i);
      // The ERP comes back on the same address: the loop picks up by itself.
      odoo = await startOdooEmulator({ dataset: structuredClone(demo), port });
      const back = parse(await out.next((l) => parse(l).ok === true));
      expect(back).toMatchObject({ ok: true, declared: 0, creditNotes: 0 });
      expect(back.run as number).toBeGreaterThan(failed.run as number);

      // A stop between runs (the line of a run has just been printed): exit 0 at once.
      await out.next(() => true);
      child!.kill('SIGTERM');
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.stderr).not.toMatch(/stopped by SIGTERM/);

      const numbers: string[] = [];
      for await (const s of demoCesceClient(cesce.url).sales.list({ pageSize: 500 })) numbers.push(s.invoiceNo);
      expect(numbers).toHaveLength((first.declared as number) + (first.creditNotes as number));
      expect(new Set(numbers).size).toBe(numbers.length);
    } finally {
      child?.kill('SIGKILL');
      await Promise.all([cesce.close(), odoo.close()]);
    }
  }, 30_000);

  it('prints one timestamped line per run in text mode and stops on Ctrl-C between runs', async () => {
    const [cesce, odoo] = await Promise.all([startCesceEmulator(), startOdooEmulator({ dataset: structuredClone(demo) })]);
    let child: ChildProcess | undefined;
    try {
      const env = { CESCE_BASE_URL: cesce.url, ODOO_URL: odoo.url };
      const done = runCli(['sync', '--config', demoConfig, '--ledger', join(dir, 'text.sqlite'), '--watch', '1s'], env, (c) => (child = c));
      const out = lines(child!);
      const runLine = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z run (\d+): (full|incremental), (\d+) sales and (\d+) credit notes declared, .* next run in 1s$/;
      const one = await out.next((l) => runLine.test(l));
      const two = await out.next((l) => runLine.test(l));
      expect(runLine.exec(one)![1]).toBe('1');
      expect(runLine.exec(two)!.slice(1, 5)).toEqual(['2', 'incremental', '0', '0']);
      child!.kill('SIGINT');
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/stopped between runs\.\n$/);
    } finally {
      child?.kill('SIGKILL');
      await Promise.all([cesce.close(), odoo.close()]);
    }
  }, 30_000);

  it('keeps going on wrong credentials but flags every such run as needing a person, without the secret', async () => {
    const [cesce, odoo] = await Promise.all([startCesceEmulator(), startOdooEmulator({ dataset: structuredClone(demo) })]);
    let child: ChildProcess | undefined;
    try {
      const config = join(dir, 'wrong-secret.json');
      writeFileSync(config, readFileSync(demoConfig, 'utf8').replace('"demo-client-secret"', '"wrong-secret-4711"'));
      const env = { CESCE_BASE_URL: cesce.url, ODOO_URL: odoo.url };
      const done = runCli(['sync', '--config', config, '--ledger', join(dir, 'wrong.sqlite'), '--watch', '1s', '--json'], env, (c) => (child = c));
      const out = lines(child!);
      const one = JSON.parse(await out.next(() => true));
      const two = JSON.parse(await out.next(() => true));
      for (const [n, l] of [[1, one], [2, two]] as const) {
        expect(l).toMatchObject({ run: n, ok: false, needsAttention: true, failuresInARow: n, error: { code: 'cesce_auth' } });
      }
      child!.kill('SIGTERM');
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain('wrong-secret-4711');
    } finally {
      child?.kill('SIGKILL');
      await Promise.all([cesce.close(), odoo.close()]);
    }
  }, 30_000);

  it('refuses a bad interval and --dry-run before any run', async () => {
    for (const [args, message] of [
      [['--watch', '5 minutes'], "--watch takes an interval such as 30s, 5m, 1h or 1h30m, not '5 minutes'"],
      [['--watch', '0s'], "--watch must be from 1s to 24h, not '0s'"],
      [['--watch', '5m', '--dry-run'], '--watch cannot be combined with --dry-run'],
    ] as const) {
      const r = await runCli(['sync', '--config', demoConfig, '--ledger', join(dir, 'never.sqlite'), ...args], { CESCE_BASE_URL: 'http://127.0.0.1:9', ODOO_URL: 'http://127.0.0.1:9' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
  }, 20_000);
});
