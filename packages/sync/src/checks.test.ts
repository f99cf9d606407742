import { describe, expect, it } from 'vitest';
import { documentProblem, findDuplicateNumbers } from './checks.js';
import { invoice } from './testing/memory-source.js';

describe('document checks', () => {
  it.each([
    [{ invoiceDate: '2026-13-01' }, 'invoiceDate'],
    [{ dueDate: '2026-02-29' }, 'dueDate'],
    [{ dueDate: '2026-09-01' }, 'dueDate'],
    [{ total: { currency: 'EUR', amount: '0.00' } }, 'total'],
    [{ total: { currency: 'EUR', amount: '-5.00' } }, 'total'],
    [{ total: { currency: 'EUR', amount: 'abc' } }, 'total'],
    [{ total: { currency: 'euro', amount: '5.00' } }, 'currency'],
    [{ number: ' ' }, 'number'],
  ])('finds the problem in %j', (patch, field) => {
    expect(documentProblem(invoice('1', '1', patch))?.field).toBe(field);
  });

  it('accepts a sound invoice', () => {
    expect(documentProblem(invoice('1', '1'))).toBeNull();
  });

  it('keeps the number with the document already declared, whatever the order', () => {
    const a = invoice('1', '7', { number: 'X/1', invoiceDate: '2026-10-05' });
    const b = invoice('2', '7', { number: 'X/1', invoiceDate: '2026-10-01' });
    const c = invoice('3', '8', { number: 'X/1' }); // another customer: no clash
    expect([...findDuplicateNumbers([b, a, c], (d) => d.erpId === '1')].map(([id, first]) => [id, first.erpId])).toEqual([['2', '1']]);
    expect([...findDuplicateNumbers([b, a, c], () => false)].map(([id, first]) => [id, first.erpId])).toEqual([['1', '2']]);
  });
});

describe('amount precision', () => {
  it.each([
    ['100000', true],
    ['12.30', true],
    ['12.300', true],
    ['12.346', false],
    ['0.0005', false],
  ])('%s is sendable: %s', (amount, ok) => {
    const p = documentProblem(invoice('1', '1', { total: { currency: 'KWD', amount } }));
    expect(p === null).toBe(ok);
    if (!ok) expect(p).toEqual({ field: 'total', message: expect.stringMatching(/more decimals than Cesce amounts carry|not positive/) });
  });
});
