import { decimalFromNumber, isIsoDate, normalizeDecimal } from '@cesce-connect/core';

/** Trimmed text, or null for anything empty or not a string (never `''`). */
export function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return t === '' ? null : t;
}

/**
 * A business date as a plain `YYYY-MM-DD`: the calendar day as the ERP wrote it. A time part
 * without offset ("2026-03-15T00:00:00") keeps its day; nothing goes through `Date`, so no time
 * zone can shift it. Null when there is none; `undefined` when it is not a valid date.
 */
export function plainDate(value: unknown): string | null | undefined {
  const t = text(value);
  if (t === null) return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(t);
  return m && isIsoDate(m[1]) ? m[1] : undefined;
}

/** Decimals of an ISO 4217 currency (EUR 2, JPY 0, KWD 3) from ICU; null for an unknown code. */
export function currencyDecimals(code: string): number | null {
  if (!/^[A-Z]{3}$/.test(code)) return null;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? null;
  } catch {
    return null;
  }
}

/**
 * An amount as an exact decimal string at `scale`: JSON numbers through their shortest text
 * (`decimalFromNumber`), decimal strings as they are; never float arithmetic. Null when absent,
 * `undefined` when it is not a number.
 */
export function decimal(value: unknown, scale: number): string | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  try {
    if (typeof value === 'number') return decimalFromNumber(value, scale);
    if (typeof value === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(value)) return normalizeDecimal(value, scale);
  } catch {
    // not a finite number
  }
  return undefined;
}
