/**
 * `cesce diagnose` as a user runs it: the built CLI in its own process against the Cesce and Odoo
 * emulators on 127.0.0.1, with the secrets in the environment. Every output format (terminal,
 * --json, --report) is scanned for the configured secret values.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOdooEmulator, type OdooEmulator } from '@cesce-connect/connector-odoo/testing';
import { DEFAULT_DATA_FILE, startCesceEmulator, type CesceEmulator } from '@cesce-connect/sandbox';
import { demoDir, runCli } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'cesce-diagnose-e2e-'));
const CESCE_SECRET = 'e2e-cesce-secret-5521';
const ODOO_KEY = 'demo-odoo-key';
const WRONG_SECRET = 'wrong-secret-value-8812';
let cesce: CesceEmulator;
let odoo: OdooEmulator;

beforeAll(async () => {
  const data = JSON.parse(readFileSync(DEFAULT_DATA_FILE, 'utf8'));
  data.applications[0].clientSecret = CESCE_SECRET;
  cesce = await startCesceEmulator({ data });
  odoo = await startOdooEmulator({ dataFile: join(demoDir, 'odoo-dataset.json') });
});
afterAll(async () => {
  await Promise.all([cesce?.close(), odoo?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string, cesceSection: Record<string, unknown> = {}): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      cesce: {
        environment: 'sandbox',
        baseUrl: cesce.url,
        contractNo: '34109150331',
        clientId: 'demo-client-id',
        clientSecret: 'env:CESCE_CLIENT_SECRET',
        ...cesceSection,
      },
      odoo: { url: odoo.url, database: 'demo', username: 'cesce-bot', password: 'env:ODOO_API_KEY', companyId: 1 },
      sync: { ledger: join(dir, `${name}.sqlite`) },
    }),
  );
  return file;
}

const env = (secret = CESCE_SECRET) => ({ CESCE_CLIENT_SECRET: secret, ODOO_API_KEY: ODOO_KEY });

/** Runs diagnose three ways (terminal, --json, --report) and returns every output. */
async function allOutputs(file: string, secret?: string, extra: string[] = []) {
  const report = join(dir, `report-${Math.random().toString(36).slice(2)}.md`);
  const text = await runCli(['diagnose', '--config', file, '--report', report, ...extra], env(secret));
  const json = await runCli(['diagnose', '--config', file, '--json', ...extra], env(secret));
  const markdown = readFileSync(report, 'utf8');
  return { text, json, markdown, reportFile: report, parsed: JSON.parse(json.stdout) as { exitCode: number; verdict: string; results: { id: string; status: string; fix?: string; kb?: { id: string } }[] } };
}

describe('cesce diagnose (built CLI)', () => {
  it('the demo setup: Cesce side ready, ERP data problems reported as warnings; no secret in any output', async () => {
    const out = await allOutputs(config('demo'));
    expect(out.text.code).toBe(out.parsed.exitCode);
    const status = Object.fromEntries(out.parsed.results.map((r) => [r.id, r.status]));
    for (const id of ['config.file', 'config.required', 'contract.format', 'network.reachability', 'auth.token', 'auth.scopes', 'policy.access', 'erp.connection']) {
      expect(status[id], id).toBe('pass');
    }
    expect(out.parsed.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(out.text.stdout).toMatch(/Verdict: (ready for go-live|ready for go-live, with \d+ warnings? to look at)/);
    for (const output of [out.text.stdout, out.text.stderr, out.json.stdout, out.json.stderr, out.markdown]) {
      expect(output).not.toContain(CESCE_SECRET);
      expect(output).not.toContain(ODOO_KEY);
    }
    // The report for support is readable only by its owner.
    expect(statSync(out.reportFile).mode & 0o777).toBe(0o600);
  });

  it('exit code 0 when nothing needs attention (Cesce side only)', async () => {
    const run = await runCli(['diagnose', '--config', config('cesce-only'), '--only', 'contract', 'auth', 'policy'], env());
    // The verdict speaks only for the checks that ran.
    expect(run.stdout).toMatch(/Verdict: ready for go-live as far as checked \(\d+ checks not run: --only\)/);
    expect(run.code).toBe(0);
  });

  it('--report never overwrites the config file or a file that is not Markdown, and names a missing folder', async () => {
    const file = config('report-guard');
    const before = readFileSync(file, 'utf8');
    const self = await runCli(['diagnose', '--config', file, '--report', file, '--only', 'contract'], env());
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/is the config file itself/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const other = join(dir, 'notes.txt');
    writeFileSync(other, 'keep me');
    const txt = await runCli(['diagnose', '--config', file, '--report', other, '--only', 'contract'], env());
    expect(txt.stderr).toMatch(/is not a Markdown \(\.md\) file: it is not overwritten/);
    expect(readFileSync(other, 'utf8')).toBe('keep me');
    // An existing report readable by others is rewritten owner-only.
    const existing = join(dir, 'old-report.md');
    writeFileSync(existing, 'old', { mode: 0o644 });
    chmodSync(existing, 0o644);
    await runCli(['diagnose', '--config', file, '--report', existing, '--only', 'contract'], env());
    expect(statSync(existing).mode & 0o777).toBe(0o600);
    expect(readFileSync(existing, 'utf8')).toContain('# cesce-connect diagnosis');
    const missing = await runCli(['diagnose', '--config', file, '--report', join(dir, 'no/such/folder/r.md'), '--only', 'contract'], env());
    expect(missing.stderr).toMatch(/the folder .*no\/such\/folder does not exist/);
    expect(missing.stderr).not.toMatch(/ENOENT/);
  });

  it('--ledger plans the first sync against another ledger than sync.ledger', async () => {
    const ledger = join(dir, 'other-ledger.sqlite');
    const run = await runCli(['diagnose', '--config', config('ledger-flag'), '--json', '--only', 'erp.first-sync', '--ledger', ledger], env());
    const first = (JSON.parse(run.stdout) as { results: { id: string; observed: string }[] }).results.find((r) => r.id === 'erp.first-sync');
    expect(first?.observed).toContain(`first sync: ledger ${ledger} does not exist yet`);
  });

  it('a wrong client secret is a blocking problem with the 401 fix, and the wrong value is never printed', async () => {
    const out = await allOutputs(config('wrong-secret'), WRONG_SECRET);
    expect(out.text.code).toBe(1);
    const token = out.parsed.results.find((r) => r.id === 'auth.token');
    expect(token).toMatchObject({ status: 'fail', kb: { id: 'cesce-401-client-credentials' } });
    expect(out.text.stdout).toMatch(/blocking problem/);
    for (const output of [out.text.stdout, out.text.stderr, out.json.stdout, out.markdown]) expect(output).not.toContain(WRONG_SECRET);
  });

  it('a contract number with dashes: the corrected value is suggested', async () => {
    const run = await runCli(['diagnose', '--config', config('dashes', { contractNo: '341-09150331' }), '--only', 'contract'], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/use: 34109150331/);
  });

  it('--help teaches the checks, the exit codes and an example', async () => {
    const run = await runCli(['diagnose', '--help']);
    expect(run.code).toBe(0);
    for (const text of ['--env <environment>', '--report <file.md>', 'auth.token', 'erp.first-sync', 'Exit codes:', '2  warnings only']) expect(run.stdout).toContain(text);
  });

  it('an unknown check name is a usage error naming the groups', async () => {
    const run = await runCli(['diagnose', '--config', config('only-bad'), '--only', 'nonsense'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Unknown check or group 'nonsense'/);
  });
});
