/**
 * The short form of the chaos harness (the full one: `pnpm test:chaos`): 20 rounds of the real
 * `cesce sync` process with 5 SIGKILLs, against a Cesce emulator injecting seeded random faults,
 * on a few hundred documents. Needs the build (apps/cli/dist), like the CLI's e2e tests.
 * CHAOS_SEED=<n> replays or varies the run; a failure prints the table, the problems and the
 * replay command.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { compare, formatTable, runChaos } from './run.mjs';

const CLI = join(import.meta.dirname, '..', 'apps/cli/dist/cesce.js');
const SEED = Number(process.env.CHAOS_SEED ?? 20_261_204);

describe('chaos harness (short form)', () => {
  it('20 rounds with 5 kills under faults: every document declared exactly once, credit notes after their invoice, ledger = emulator', async () => {
    expect(existsSync(CLI), `${CLI} is missing: run the build first (pnpm build)`).toBe(true);
    const lines: string[] = [];
    // The test suite's secret scan (apps/cli/src/secret-scan.global-setup.ts) also covers what these syncs produced.
    const scanned = process.env.CESCE_TEST_OUTPUT_DIR;
    const outputsDir = scanned ? join(scanned, 'outputs', `chaos-${process.pid}-${Date.now()}`) : undefined;
    const r = await runChaos({ rounds: 20, kills: 5, invoices: 200, creditNotes: 40, seed: SEED, ...(outputsDir ? { outputsDir } : {}) }, (line) => lines.push(line));
    const report = `${lines.join('\n')}\n\n${formatTable(r)}\n${r.problems.slice(0, 30).join('\n')}\nreplay: node chaos/run.mjs --seed ${SEED} --rounds 20 --kills 5 --invoices 200 --credit-notes 40`;
    expect(r.rounds, report).toBeGreaterThanOrEqual(20);
    expect(r.kills, report).toBeGreaterThanOrEqual(5);
    // The faults did happen, including the dangerous ones (processed, then no usable answer).
    const f = r.faults;
    expect(f['5xx-before']! + f['5xx-after']! + f['reset-before']! + f['reset-after']! + f['hang-before']! + f['hang-after']! + f['429']!, report).toBeGreaterThan(0);
    expect(f['5xx-after']! + f['reset-after']! + f['hang-after']!, report).toBeGreaterThan(0);
    expect(r.expectedDeclarations, report).toBeGreaterThan(200);
    expect(
      {
        duplicates: r.duplicates,
        missing: r.missing,
        extra: r.extra,
        amountMismatches: r.amountMismatches,
        orderViolations: r.orderViolations,
        ledgerMismatches: r.ledgerMismatches,
        stuckRounds: r.stuckRounds,
        cleanRunFailed: r.cleanRunFailed,
      },
      report,
    ).toEqual({ duplicates: 0, missing: 0, extra: 0, amountMismatches: 0, orderViolations: 0, ledgerMismatches: 0, stuckRounds: 0, cleanRunFailed: 0 });
  });
});

describe('cesce emulate cesce: chaos options', () => {
  it('--chaos-seed overrides the seed of the --faults file, and GET /_emulator/faults reports it with the counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cesce-chaos-cli-'));
    try {
      const file = join(dir, 'faults.json');
      writeFileSync(file, JSON.stringify({ chaos: { seed: 1, error5xx: { rate: 1, afterProcessing: 0 } } }));
      const child = spawn(process.execPath, [CLI, 'emulate', 'cesce', '--faults', file, '--chaos-seed', '99'], { stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          createInterface({ input: child.stdout }).once('line', resolve);
          child.once('exit', (code) => reject(new Error(`emulator exited (${code})`)));
        });
        const token = await fetch(`${url}/oauth2/v1/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=password&client_id=demo-client-id&client_secret=demo-client-secret',
        });
        expect(token.status).toBe(200);
        const { access_token } = (await token.json()) as { access_token: string };
        const list = await fetch(`${url}/sales/v1/contracts/34109150331/sales`, { headers: { authorization: `Bearer ${access_token}` } });
        expect(list.status).toBe(503);
        const stats = await (await fetch(`${url}/_emulator/faults`)).json();
        expect(stats).toMatchObject({ seed: 99, requestsInScope: 1, injected: { '5xx-before': 1, '5xx-after': 0 } });
      } finally {
        child.kill('SIGTERM');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses --chaos-seed without a chaos section, and a bad chaos section, naming the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cesce-chaos-cli-'));
    try {
      const r = spawnSync(process.execPath, [CLI, 'emulate', 'cesce', '--chaos-seed', '5'], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/--chaos-seed needs a --faults file with a "chaos" section/);
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify({ chaos: { seed: 1, hang: { rate: 0.1 } } }));
      const bad = spawnSync(process.execPath, [CLI, 'emulate', 'cesce', '--faults', file], { encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('chaos.hang.ms');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the harness oracle (compare)', () => {
  const sale = (ref: string, invoiceNo: string, amount: string, originalInvoiceNo: string | null = null) => ({
    saleCesceReferenceNo: ref,
    endorsementNo: '4100118',
    invoiceNo,
    amount,
    originalInvoiceNo,
  });
  const declared = (ref: string, invoiceNo: string) => ({ key: `k${ref}`, kind: 'invoice', state: 'declared', cesceRef: ref, invoiceNo });
  const expected = [sale('1', 'INV/1', '100.00'), sale('2', 'INV/2', '50.00'), sale('3', 'RINV/1', '-10.00', 'INV/1')];

  it('finds nothing when the chaos run matches the oracle and the ledger', () => {
    const r = compare({ expected, actual: expected, seedRefs: new Set(), ledger: expected.map((s) => declared(s.saleCesceReferenceNo, s.invoiceNo)) });
    expect(r).toMatchObject({ duplicates: 0, missing: 0, extra: 0, amountMismatches: 0, orderViolations: 0, ledgerMismatches: 0 });
  });

  it('counts a duplicate, a missing, an extra, a wrong amount, a credit note before its invoice and ledger disagreements', () => {
    const actual = [
      sale('10', 'RINV/1', '-10.00', 'INV/1'), // before its invoice
      sale('11', 'INV/1', '100.00'),
      sale('12', 'INV/1', '100.00'), // duplicate
      sale('13', 'INV/3', '70.00'), // extra (and INV/2 missing)
    ];
    const ledger = [declared('10', 'RINV/1'), declared('11', 'INV/1'), declared('99', 'INV/2'), { ...declared('13', 'INV/3'), state: 'sending' }];
    const r = compare({ expected, actual, seedRefs: new Set(), ledger });
    expect(r).toMatchObject({ duplicates: 1, missing: 1, extra: 1, orderViolations: 1 });
    // 99 unknown to the emulator, 13 left sending, sales 12 and 13 not declared in the ledger.
    expect(r.ledgerMismatches).toBe(4);
    const wrongAmount = compare({ expected, actual: [expected[0]!, { ...expected[1]!, amount: '55.00' }, expected[2]!], seedRefs: new Set(), ledger: expected.map((s) => declared(s.saleCesceReferenceNo, s.invoiceNo)) });
    expect(wrongAmount.amountMismatches).toBe(1);
  });
});
