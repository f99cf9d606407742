import { findEntry } from '@cesce-connect/core';
import { describe, expect, it } from 'vitest';
import { kbReference, type CheckResult, type DiagnosisOutcome } from '../types.js';
import { maskPersonal } from './redact.js';
import { renderJson, renderMarkdown, renderTerminal, verdictLine } from './render.js';

function outcome(results: CheckResult[], notRun: string[] = []): DiagnosisOutcome {
  const counts = { pass: 0, warn: 0, fail: 0, skipped: 0 };
  for (const r of results) counts[r.status] += 1;
  const verdict = counts.fail ? 'blocked' : counts.warn ? 'warnings' : 'ready';
  return {
    report: {
      tool: { name: 'cesce-connect', version: '0.0.0' },
      startedAt: '2026-12-03T10:00:00.000Z',
      durationMs: 1234,
      configFile: 'cesce.config.json',
      environment: 'pre',
      verdict,
      counts,
      exitCode: verdict === 'blocked' ? 1 : verdict === 'warnings' ? 2 : 0,
      results,
      notRun,
    },
    redaction: { secrets: ['sup3r-s3cret'], personal: ['Construcciones Norte SL', 'B65410011', 'ana.garcia'] },
  };
}

const entry = findEntry('cesce-400-policy-expired')!;
const problem: CheckResult = {
  id: 'policy.access',
  group: 'policy',
  title: 'Policy registered and in force',
  status: 'fail',
  observed: 'Cesce answered 400 for 38100029218: la póliza está vencida (user ana.garcia, secret sup3r-s3cret)',
  fix: 'Ask Cesce’s Transformation team to update the expiry date in PRE.',
  kb: kbReference(entry),
  durationMs: 12,
};
const customer: CheckResult = {
  id: 'erp.customers',
  group: 'erp',
  title: 'Customers to classify',
  status: 'warn',
  observed: '1 of 3 flagged customers cannot be classified',
  details: ['res.partner,42 Construcciones Norte SL: vat: B65410011 has an invalid check digit', 'contact: jefe@norte.example'],
  durationMs: 3,
};
const ok: CheckResult = { id: 'config.file', group: 'config', title: 'Config file', status: 'pass', observed: 'read', fix: 'nothing to do', durationMs: 1 };

describe('report renderers', () => {
  it('the verdict line counts blocking problems and warnings', () => {
    expect(verdictLine(outcome([ok]).report)).toBe('ready for go-live');
    expect(verdictLine(outcome([ok, customer]).report)).toBe('ready for go-live, with 1 warning to look at');
    expect(verdictLine(outcome([problem, customer]).report)).toBe('1 blocking problem and 1 warning: not ready for go-live');
    expect(verdictLine(outcome([ok], ['erp.connection', 'erp.company']).report)).toBe('ready for go-live as far as checked (2 checks not run: --only)');
  });

  it('the Markdown report keeps Cesce’s own addresses readable (a fix names them)', () => {
    const withAddress: CheckResult = { ...customer, fix: 'Send the file to recobros@cesce.es; copy jefe@norte.example' };
    const md = renderMarkdown(outcome([withAddress]));
    expect(md).toContain('recobros@cesce.es');
    expect(md).not.toContain('jefe@norte.example');
  });

  it('the Markdown report masks personal data and removes secrets, and gives the KB cause and fix in both languages', () => {
    const md = renderMarkdown(outcome([ok, problem, customer]));
    for (const hidden of ['sup3r-s3cret', 'Construcciones Norte SL', 'B65410011', 'ana.garcia', 'jefe@norte.example']) expect(md).not.toContain(hidden);
    expect(md).toContain(maskPersonal('B65410011'));
    expect(md).toContain('res.partner,42');
    expect(md).toContain(`- Solución: ${entry.fix.es}`);
    expect(md).toContain(`- Fix: ${entry.fix.en}`);
    expect(md).toContain('| `policy.access` | **FAIL** |');
    expect(md).toMatch(/\*\*Verdict:\*\* 1 blocking problem and 1 warning: not ready for go-live \(exit code 1\)/);
  });

  it('the terminal and JSON outputs remove secrets but keep the operator’s own data', () => {
    const o = outcome([ok, problem, customer]);
    const text = renderTerminal(o);
    const json = renderJson(o);
    for (const out of [text, json]) {
      expect(out).not.toContain('sup3r-s3cret');
      expect(out).toContain('Construcciones Norte SL');
    }
    expect(JSON.parse(json)).toMatchObject({ verdict: 'blocked', exitCode: 1, results: [{ id: 'config.file' }, { id: 'policy.access' }, { id: 'erp.customers' }] });
    expect(json).not.toContain('redaction');
  });

  it('the terminal shows fixes under problems only, unless verbose', () => {
    const o = outcome([ok, problem]);
    expect(renderTerminal(o)).not.toContain('nothing to do');
    expect(renderTerminal(o, { verbose: true })).toContain('nothing to do');
    expect(renderTerminal(o)).toMatch(/fix: Ask Cesce’s Transformation team/);
    expect(renderTerminal(o)).toContain('knowledge base cesce-400-policy-expired (catalogue 400-5)');
    expect(renderTerminal(o, { color: true })).toContain('\x1b[31m✗\x1b[0m');
  });

  it('masks personal data keeping its ends', () => {
    expect(maskPersonal('B65410011')).toBe('B6*****11');
    expect(maskPersonal('Ana')).toBe('A***');
  });
});
