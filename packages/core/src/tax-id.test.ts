import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isValidSpanishTaxId, normalizeTaxId, spanishCheckCharacter } from './tax-id.js';

describe('tax ids', () => {
  it.each(['B65410011', '12345678Z', 'X1234567L', 'A58818501', 'Q2826000H', 'B12345674'])('accepts the valid Spanish id %s', (id) => {
    expect(isValidSpanishTaxId(id)).toBe(true);
  });

  it.each(['B65410012', '12345678A', 'X1234567A', 'Q2826000J'])('rejects the wrong check character in %s', (id) => {
    expect(isValidSpanishTaxId(id)).toBe(false);
  });

  it('computes check characters that validate (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(\d{8}|[XYZ]\d{7}|[ABEH]\d{7}|[PQRSNW]\d{7})$/), (body) => {
        expect(isValidSpanishTaxId(body + spanishCheckCharacter(body))).toBe(true);
      }),
    );
  });

  it.each([
    ['ESB65410011', 'ES', { taxCode: 'B65410011', countryCode: 'ES' }],
    ['es b-6541001.1', 'ES', { taxCode: 'B65410011', countryCode: 'ES' }],
    ['B65410011', 'ES', { taxCode: 'B65410011', countryCode: 'ES' }],
    ['X1234567L', 'ES', { taxCode: 'X1234567L', countryCode: 'ES' }],
    ['FR40303265045', 'FR', { taxCode: '40303265045', countryCode: 'FR' }],
    ['DE129273398', null, { taxCode: '129273398', countryCode: 'DE' }],
    ['PT501964843', 'PT', { taxCode: '501964843', countryCode: 'PT' }],
  ])('normalises %j (country %s)', (raw, country, expected) => {
    expect(normalizeTaxId(raw, country)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [null, 'ES', /no tax id/],
    ['', 'ES', /no tax id/],
    ['ESB65410012', 'ES', /check character/],
    ['FR40303265045', 'ES', /prefix FR but the partner's country is ES/],
    ['DE12927', 'DE', /DE VAT number format/],
    ['B6541#011', 'ES', /characters other than/],
  ])('explains why %j is unusable', (raw, country, reason) => {
    const r = normalizeTaxId(raw, country);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
