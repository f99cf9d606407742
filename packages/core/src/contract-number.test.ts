import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkContractNumber, parseContractNumber } from './contract-number.js';

describe('contract numbers', () => {
  it.each([
    ['34109150331', '341', 'Máster Oro Integral', '09150331'],
    ['38100029218', '381', 'Póliza Clásica', '00029218'],
  ])('parses %s', (input, modality, name, policy) => {
    expect(parseContractNumber(input)).toEqual({ value: input, modality, modalityName: name, policyNumber: policy });
  });

  it.each([
    ['3410915033', 'wrong-length', /10 digits/],
    ['341 0915 0331', 'separators', /spaces or separators/],
    ['341-09150331', 'separators', /spaces or separators/],
    ['09150331', 'missing-modality', /without its modality/],
    ['39909150331', 'unknown-modality', /modality 399/],
    ['34109I50331', 'non-digit', /digits only/],
    ['', 'empty', /is empty/],
  ])('rejects %j as %s and names the expected format', (input, problem, message) => {
    const r = checkContractNumber(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem).toBe(problem);
    expect(r.message).toMatch(message);
    expect(r.message).toContain('341 Máster Oro Integral or 381 Póliza Clásica');
  });

  it.each([
    ['３４１０９１５０３３１', '34109150331'],
    ['٣٤١٠٩١٥٠٣٣١', '34109150331'],
    ['34l09150331', '34109150331'],
    ['381OOO29218', '38100029218'],
  ])('suggests the digits of %j (other scripts, look-alike letters)', (input, suggestion) => {
    const r = checkContractNumber(input);
    expect(r).toMatchObject({ ok: false, problem: 'non-digit', suggestion });
  });

  it('a JSON number too large to be exact says to write it as text, not that it has separators', () => {
    const r = checkContractNumber(3.4109150331e49);
    expect(r).toMatchObject({ ok: false, problem: 'non-digit' });
    if (!r.ok) expect(r.message).toMatch(/in quotes, as text/);
  });

  it('suggests the compact value when only separators are wrong', () => {
    const r = checkContractNumber('341 0915 0331');
    expect(r.ok === false && r.suggestion).toBe('34109150331');
  });

  it('accepts exactly modality + 8 digits (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('341', '381'), fc.stringMatching(/^\d{8}$/), (m, p) => {
        expect(parseContractNumber(m + p).policyNumber).toBe(p);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = checkContractNumber(s);
        if (r.ok) expect(r.contract.value).toMatch(/^(341|381)\d{8}$/);
      }),
    );
  });
});
