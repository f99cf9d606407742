/**
 * Exact money. Amounts are decimal strings with a fixed number of decimals ("1234.56") and are
 * computed on as integer minor units (bigint), never as binary floats. Cesce's wire format uses
 * a decimal comma ("100000,00", [third-party-client]); conversion happens at the edge.
 */
export interface Money {
  /** ISO 4217 code, e.g. "EUR". */
  currency: string;
  /** Canonical decimal string with exactly `decimals` fraction digits; negative with a leading "-". */
  amount: string;
}

const MAX_EXPONENT = 400;

const DECIMAL_RE = /^([+-])?(\d*)(?:[.,](\d*))?(?:e([+-]?\d+))?$/i;

/**
 * Parses a decimal text ("1234.5", "-0.10", "1e-7", "100000,00") into minor units at `scale`,
 * rounding half away from zero. Throws a `TypeError` for anything that is not a number.
 */
export function toMinorUnits(text: string, scale: number): bigint {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m || (!m[2] && !m[3])) throw new TypeError(`'${text}' is not a decimal number`);
  const negative = m[1] === '-';
  let intPart = m[2] ?? '';
  let fracPart = m[3] ?? '';
  const exp = m[4] ? Number.parseInt(m[4], 10) : 0;
  // Any double's text has |exponent| <= 324; a larger one would build a huge digit string.
  if (Math.abs(exp) > MAX_EXPONENT) throw new TypeError(`'${text}' is out of range for an amount (exponent over ${MAX_EXPONENT})`);
  if (exp > 0) {
    const shift = fracPart.padEnd(exp, '0');
    intPart += shift.slice(0, exp);
    fracPart = shift.slice(exp);
  } else if (exp < 0) {
    const padded = intPart.padStart(-exp + 1, '0');
    fracPart = padded.slice(padded.length + exp) + fracPart;
    intPart = padded.slice(0, padded.length + exp);
  }
  const kept = fracPart.padEnd(scale, '0').slice(0, scale);
  const rest = fracPart.slice(scale);
  let minor = BigInt((intPart || '0') + kept);
  if (rest.length > 0 && rest.charCodeAt(0) >= 53 /* '5' */) minor += 1n;
  return negative ? -minor : minor;
}

/** Formats minor units as a canonical decimal string with `scale` decimals and a dot. */
export function fromMinorUnits(minor: bigint, scale: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${int}${scale > 0 ? `.${frac}` : ''}`;
}

/** Canonicalises a decimal text at `scale` ("12.5" → "12.50"). */
export function normalizeDecimal(text: string, scale: number): string {
  return fromMinorUnits(toMinorUnits(text, scale), scale);
}

/**
 * Converts a number received from an ERP (e.g. an Odoo float) into an exact decimal string.
 * `String(n)` gives the shortest text that round-trips the double, which is the text the ERP sent,
 * so no float arithmetic is involved; the value is then rounded at `scale` on its digits.
 */
export function decimalFromNumber(value: number, scale: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`${value} is not a finite amount`);
  return normalizeDecimal(String(value), scale);
}

export function scaleOf(amount: string): number {
  const dot = amount.indexOf('.');
  return dot < 0 ? 0 : amount.length - dot - 1;
}

export function money(currency: string, amount: string, scale = scaleOf(amount)): Money {
  return { currency: currency.toUpperCase(), amount: normalizeDecimal(amount, scale) };
}

export function isZero(amount: string): boolean {
  return toMinorUnits(amount, scaleOf(amount)) === 0n;
}

export function isNegative(amount: string): boolean {
  return toMinorUnits(amount, scaleOf(amount)) < 0n;
}

export function negate(amount: string): string {
  const s = scaleOf(amount);
  return fromMinorUnits(-toMinorUnits(amount, s), s);
}

export function abs(amount: string): string {
  const s = scaleOf(amount);
  const m = toMinorUnits(amount, s);
  return fromMinorUnits(m < 0n ? -m : m, s);
}

/** Compares two decimal strings exactly: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const s = Math.max(scaleOf(a), scaleOf(b));
  const x = toMinorUnits(a, s);
  const y = toMinorUnits(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addDecimal(a: string, b: string): string {
  const s = Math.max(scaleOf(a), scaleOf(b));
  return fromMinorUnits(toMinorUnits(a, s) + toMinorUnits(b, s), s);
}

/** "1234.56" → "1234,56" (Cesce wire format, decimal comma, no thousands separator). */
export function toCesceDecimal(amount: string, scale = Math.max(2, scaleOf(amount))): string {
  return normalizeDecimal(amount, scale).replace('.', ',');
}

const CESCE_DECIMAL_RE = /^-?\d+(?:,\d+)?$/;

/** "100000,00" → "100000.00". Also accepts a dot, and thousands separators in the `1.234,56` style. */
export function fromCesceDecimal(text: string, scale = 2): string {
  const t = text.trim();
  if (CESCE_DECIMAL_RE.test(t)) return normalizeDecimal(t.replace(',', '.'), scale);
  if (/^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(t)) return normalizeDecimal(t.replace(/\./g, '').replace(',', '.'), scale);
  if (/^-?\d+(?:\.\d+)?$/.test(t)) return normalizeDecimal(t, scale);
  throw new TypeError(`'${text}' is not a Cesce decimal amount (expected e.g. "100000,00")`);
}
