/**
 * Contract numbers (property-based): any input gives either a valid number (11 digits, modality
 * 341 or 381) or a typed problem with a reason that names the expected format; a suggestion is
 * itself valid; and checking a valid or suggested value again gives the same value (idempotent).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkContractNumber, CONTRACT_NUMBER_FORMAT, type ContractNumberProblem } from './contract-number.js';

const PROBLEMS: ContractNumberProblem[] = ['empty', 'separators', 'non-digit', 'missing-modality', 'unknown-modality', 'wrong-length'];
const digitString = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
const separator = fc.constantFrom(' ', '.', '-', '/', '\t', '\u00a0', '  ');

/** Contract-number-like text: digits (often a valid number) with separators and odd characters mixed in. */
const contractLike = fc.oneof(
  fc.tuple(fc.constantFrom('341', '381', '399', '000'), digitString(0, 10)).map(([m, p]) => m + p),
  fc
    .tuple(fc.constantFrom('341', '381'), digitString(8, 8), fc.array(fc.tuple(fc.nat(11), separator), { maxLength: 3 }))
    .map(([m, p, seps]) => {
      let s = m + p;
      for (const [at, sep] of seps) s = s.slice(0, at) + sep + s.slice(at);
      return s;
    }),
  fc.tuple(separator, digitString(8, 11), separator).map(([a, d, b]) => a + d + b),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
);

describe('contract numbers (properties)', () => {
  it('any input: a valid 11-digit number with modality 341/381, or a typed problem naming the format', () => {
    fc.assert(
      fc.property(fc.oneof(contractLike, fc.anything()), (input) => {
        const r = checkContractNumber(input);
        if (r.ok) {
          expect(r.contract.value).toMatch(/^(341|381)\d{8}$/);
          expect(r.contract.modality).toBe(r.contract.value.slice(0, 3));
          expect(r.contract.policyNumber).toBe(r.contract.value.slice(3));
          expect(r.contract.modalityName.length).toBeGreaterThan(0);
        } else {
          expect(PROBLEMS).toContain(r.problem);
          expect(r.message).toContain(CONTRACT_NUMBER_FORMAT);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a suggestion is itself valid, and normalising is idempotent', () => {
    fc.assert(
      fc.property(contractLike, (input) => {
        const r = checkContractNumber(input);
        const value = r.ok ? r.contract.value : r.suggestion;
        if (value === undefined) return;
        const again = checkContractNumber(value);
        expect(again.ok).toBe(true);
        if (again.ok) expect(again.contract.value).toBe(value);
        // The suggestion is the input without its separators: no digit changed, added or lost.
        expect(value).toBe(String(input).replace(/[^0-9]/g, ''));
      }),
      { numRuns: 1000 },
    );
  });

  it('separators around a valid number are always explained with the compact value', () => {
    fc.assert(
      fc.property(fc.constantFrom('341', '381'), digitString(8, 8), fc.nat(9), separator, (m, p, at, sep) => {
        const value = m + p;
        const spaced = value.slice(0, at + 1) + sep + value.slice(at + 1);
        const r = checkContractNumber(spaced);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.problem).toBe('separators');
          expect(r.suggestion).toBe(value);
        }
      }),
      { numRuns: 300 },
    );
  });
});
