import { decimalFromNumber, fromCesceDecimal, fromMinorUnits, toMinorUnits } from '@cesce-connect/core';

/**
 * Reads a wire amount ("1234,56"; a dot is tolerated, as core's schema does) into the data-file
 * form "1234.56". More than 2 decimals is refused rather than rounded, so a client that sends
 * unrounded amounts is caught. [inferred]
 */
export function readWireAmount(text: string): { ok: true; amount: string } | { ok: false; detail: string } {
  const t = text.trim();
  const m = /^-?\d+(?:[.,](\d+))?$/.exec(t);
  if (!m) return { ok: false, detail: `el importe '${text}' no es un número decimal (ejemplo: "1234,56")` };
  if ((m[1] ?? '').length > 2) return { ok: false, detail: `el importe '${text}' tiene más de 2 decimales` };
  return { ok: true, amount: fromCesceDecimal(t.replace('.', ','), 2) };
}

/**
 * Exact percentage of a non-negative amount ("1234.56") at 2 decimals, rounded half up. The
 * percentage (a JSON number) is read from its shortest decimal text, so no float arithmetic is
 * involved: everything is bigint minor units.
 */
export function percentOf(amount: string, percent: number): string {
  const pct = toMinorUnits(decimalFromNumber(percent, 6), 6); // percent × 10^6
  const minor = toMinorUnits(amount, 2); // amount × 10^2
  const den = 100n * 1_000_000n;
  const num = minor * pct;
  let q = num / den;
  if ((num % den) * 2n >= den) q += 1n;
  return fromMinorUnits(q, 2);
}
