import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fidelityTable, renderFidelityMarkdown, type FidelityRow } from './fidelity.js';
import { ourOperations } from './operations.js';

const FILE = new URL('../../FIDELITY.md', import.meta.url);
const REGENERATE = 'UPDATE_FIDELITY=1 pnpm exec vitest run packages/core/src/spec/fidelity.test.ts';

const rows = fidelityTable();
const row = (id: string): FidelityRow => {
  const r = rows.find((x) => x.operation === id);
  if (!r) throw new Error(`no row ${id}`);
  return r;
};
const source = (id: string, location: string, name: string) =>
  row(id).fields.find((f) => f.location === location && f.name === name)?.source;

describe('FIDELITY.md', () => {
  it('is the rendering of fidelityTable()', () => {
    const expected = renderFidelityMarkdown();
    if (process.env.UPDATE_FIDELITY === '1') writeFileSync(FILE, expected);
    const actual = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '';
    expect(actual === expected, `packages/core/FIDELITY.md is out of date. Regenerate it with: ${REGENERATE}`).toBe(true);
  });
});

describe('fidelityTable', () => {
  it('lists the token endpoint and every operation, each with fields', () => {
    expect(rows.map((r) => r.operation)).toEqual(['oauth.token', ...ourOperations().map((o) => o.id)]);
    for (const r of rows) expect(r.fields.length, r.operation).toBeGreaterThan(0);
  });

  it('tags paths', () => {
    expect(row('classifications.activateDeactivate').pathSource).toBe('portal');
    expect(row('collections.create')).toMatchObject({ pathSource: 'portal', basePathSource: 'inferred' });
    expect(row('movements.list')).toMatchObject({ pathSource: 'portal', basePathSource: 'portal', basePath: 'portfolio-movements/v1' });
    expect(row('claims.uploadDocument').pathSource).toBe('inferred');
    expect(row('claims.declareNonPayment').pathSource).toBe('portal');
  });

  it('tags known fields', () => {
    expect(source('sales.create', 'response', 'sale.saleCesceReferenceNo')).toBe('support-page');
    expect(source('movements.list', 'query', 'nextEndorsementNo')).toBe('third-party-client');
    expect(source('movements.list', 'response', 'client.nextEndorsementNo')).toBe('third-party-client');
    expect(source('movements.list', 'response', 'debtor[].creditLimitGranted')).toBe('third-party-client');
    expect(source('collections.create', 'body', 'collectionDate')).toBe('portal');
    expect(source('sales.consult', 'query', 'saleCesceReferenceNo')).toBe('support-page');
    expect(source('classifications.query', 'response', 'error.errorCode')).toBe('inferred');
    expect(source('oauth.token', 'body', 'grant_type')).toBe('portal');
    expect(source('claims.declareNonPayment', 'body', 'nonPaymentInd')).toBe('seed');
  });

  it('tags the whole Financial API as inferred', () => {
    const financial = rows.filter((r) => r.operation.startsWith('financial.'));
    expect(financial).toHaveLength(4);
    for (const r of financial) {
      expect(r.pathSource).toBe('inferred');
      expect(r.basePathSource).toBe('inferred');
      for (const f of r.fields) expect(f.source, `${r.operation} ${f.location} ${f.name}`).toBe('inferred');
    }
  });
});
