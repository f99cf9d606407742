/**
 * The transforms of a field map (`transformSchema`), applied in order to the value read at the
 * field's path. Missing values (`undefined`/`null`) pass through every transform except
 * `default`. Each failure is a `TransformError` naming the transform and the raw value.
 * Amounts never go through binary floats: decimals are read from their text.
 */
import { abs as absDecimal, addDays, isIsoDate, negate as negateDecimal, normalizeDecimal, scaleOf } from '@cesce-connect/core';
import { getPath } from './path.js';
import type { Transform } from '../profile/schema.js';

export class TransformError extends Error {
  constructor(
    readonly transform: string,
    readonly raw: unknown,
    reason: string,
  ) {
    super(`${transform}: ${reason} (value ${describe(raw)})`);
    this.name = 'TransformError';
  }
}

function describe(raw: unknown): string {
  if (raw instanceof Date) return `Date ${Number.isNaN(raw.getTime()) ? 'Invalid' : raw.toISOString()}`;
  if (typeof raw === 'string') return `'${raw}'`;
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    // e.g. a bigint inside an object; an object without a prototype has no String() either.
    try {
      return String(raw);
    } catch {
      return Object.prototype.toString.call(raw);
    }
  }
}

/** Short name of a transform for messages: `trim`, `date YYYYMMDD`, `alphaPad 10`, `enum`… */
export function transformName(t: Transform): string {
  if (typeof t === 'string') return t;
  if ('alphaPad' in t) return `alphaPad ${t.alphaPad}`;
  if ('date' in t) return `date ${t.date}`;
  if ('decimal' in t) return `decimal (separator '${t.decimal.decimalSeparator}')`;
  if ('enum' in t) return 'enum';
  if ('bool' in t) return 'bool';
  if ('addDays' in t) return `addDays ${t.addDays}`;
  return 'default';
}

/** ISO 3166 alpha-3 → alpha-2 for the EU, EFTA, UK, North America and Latin America. */
export const ALPHA3_TO_ALPHA2: Readonly<Record<string, string>> = {
  AUT: 'AT', BEL: 'BE', BGR: 'BG', HRV: 'HR', CYP: 'CY', CZE: 'CZ', DNK: 'DK', EST: 'EE', FIN: 'FI', FRA: 'FR',
  DEU: 'DE', GRC: 'GR', HUN: 'HU', IRL: 'IE', ITA: 'IT', LVA: 'LV', LTU: 'LT', LUX: 'LU', MLT: 'MT', NLD: 'NL',
  POL: 'PL', PRT: 'PT', ROU: 'RO', SVK: 'SK', SVN: 'SI', ESP: 'ES', SWE: 'SE', GBR: 'GB', CHE: 'CH', NOR: 'NO',
  ISL: 'IS', LIE: 'LI', AND: 'AD', MCO: 'MC', USA: 'US', CAN: 'CA', MEX: 'MX', ARG: 'AR', BOL: 'BO', BRA: 'BR',
  CHL: 'CL', COL: 'CO', CRI: 'CR', CUB: 'CU', DOM: 'DO', ECU: 'EC', SLV: 'SV', GTM: 'GT', HND: 'HN', NIC: 'NI',
  PAN: 'PA', PRY: 'PY', PER: 'PE', PRI: 'PR', URY: 'UY', VEN: 'VE', MAR: 'MA', TUR: 'TR', CHN: 'CN', JPN: 'JP',
};

function text(t: string, raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') return String(raw);
  throw new TransformError(t, raw, 'expected a text value');
}

const MISSING_DATES = new Set(['0000-00-00', '00000000', '0001-01-01', '']);

function isoOf(t: string, raw: unknown, y: string, m: string, d: string): string {
  const iso = `${y}-${m}-${d}`;
  if (!isIsoDate(iso)) throw new TransformError(t, raw, `${iso} is not a calendar date`);
  return iso;
}

/** Parses a business date into `YYYY-MM-DD` (or `null` for the ERPs' empty dates); no time zone is applied. */
export function parseDate(format: Extract<Transform, { date: unknown }>['date'], raw: unknown): string | null {
  const t = `date ${format}`;
  if (raw instanceof Date) {
    // node-soap turns xs:date/xs:dateTime into Date objects when the WSDL types them; only a UTC
    // midnight (a date without time) still tells its calendar day for sure.
    if (Number.isNaN(raw.getTime())) throw new TransformError(t, raw, 'not a date');
    const iso = raw.toISOString();
    if (!iso.endsWith('T00:00:00.000Z')) {
      throw new TransformError(t, raw, 'a parsed Date object does not tell the calendar day as written; read dates as text');
    }
    raw = iso.slice(0, 10);
  }
  const s = text(t, raw).trim();
  if (MISSING_DATES.has(s) || /^0001-01-01T00:00:00/.test(s) || /^0{4}-?0{2}-?0{2}T/.test(s)) return null;
  let m: RegExpExecArray | null;
  switch (format) {
    case 'YYYY-MM-DD':
      m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      if (m) return isoOf(t, raw, m[1]!, m[2]!, m[3]!);
      break;
    case 'YYYYMMDD':
      m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
      if (m) return isoOf(t, raw, m[1]!, m[2]!, m[3]!);
      break;
    case 'DD.MM.YYYY':
    case 'DD/MM/YYYY': {
      const sep = format === 'DD.MM.YYYY' ? '\\.' : '/';
      m = new RegExp(`^(\\d{1,2})${sep}(\\d{1,2})${sep}(\\d{4})$`).exec(s);
      if (m) return isoOf(t, raw, m[3]!, m[2]!.padStart(2, '0'), m[1]!.padStart(2, '0'));
      break;
    }
    case 'datetime':
      // The calendar day as written, whatever offset follows (or none).
      m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(s);
      if (m) return isoOf(t, raw, m[1]!, m[2]!, m[3]!);
      break;
    case 'jde-julian': {
      // CYYDDD: century digit (0 = 19xx, 1 = 20xx), year in century, day of year.
      m = /^(\d)?(\d{2})(\d{3})$/.exec(s);
      if (s === '0') return null;
      if (m) {
        const year = 1900 + Number(m[1] ?? '0') * 100 + Number(m[2]);
        const day = Number(m[3]);
        const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
        if (day < 1 || day > (leap ? 366 : 365)) throw new TransformError(t, raw, `day ${day} does not exist in ${year}`);
        return new Date(Date.UTC(year, 0, day)).toISOString().slice(0, 10);
      }
      break;
    }
  }
  throw new TransformError(t, raw, `not a ${format} date`);
}

/**
 * Reads an exact decimal from text: `1234.56`, `-0.5`, `1,234.56`, SAP's trailing minus `12.50-`,
 * or with `decimalSeparator: ','` `1.234,56`. Returns canonical text (`-1234.56`) keeping every
 * digit. A number is accepted only when its shortest text (what the server sent) has at most 15
 * significant digits; anything else may already have lost digits.
 */
export function parseDecimal(raw: unknown, decimalSeparator: '.' | ',' = '.'): string {
  const t = `decimal (separator '${decimalSeparator}')`;
  let s: string;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new TransformError(t, raw, 'not a finite number');
    s = String(raw);
    const digits = s.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '');
    if (digits.length > 15) throw new TransformError(t, raw, 'a binary float that may have lost digits; read amounts as text');
    return normalizeDecimal(s, /e/i.test(s) ? 20 : scaleOf(s)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  }
  if (typeof raw !== 'string') throw new TransformError(t, raw, 'expected a decimal text');
  s = raw.trim().replace(/\s/g, '');
  let sign = '';
  if (/^[+-]/.test(s)) {
    sign = s[0] === '-' ? '-' : '';
    s = s.slice(1);
  } else if (/-$/.test(s)) {
    sign = '-';
    s = s.slice(0, -1);
  }
  const group = decimalSeparator === '.' ? ',' : '.';
  const grouped = new RegExp(`^\\d{1,3}(?:\\${group}\\d{3})+(?:\\${decimalSeparator}\\d*)?$`);
  const plain = new RegExp(`^(?:\\d+(?:\\${decimalSeparator}\\d*)?|\\${decimalSeparator}\\d+)$`);
  if (grouped.test(s)) s = s.split(group).join('');
  else if (!plain.test(s)) throw new TransformError(t, raw, 'not a decimal number');
  s = s.replace(decimalSeparator, '.');
  if (s.startsWith('.')) s = `0${s}`;
  if (s.endsWith('.')) s = s.slice(0, -1);
  const canonical = normalizeDecimal(s, scaleOf(s));
  return sign === '-' && /[1-9]/.test(canonical) ? `-${canonical}` : canonical;
}

function isDigits(s: string): boolean {
  return /^\d+$/.test(s);
}

/**
 * Applies one transform. `context` is the record context the field is read from (needed by
 * `addDays`, which reads its number of days from another path of the record).
 */
export function applyTransform(value: unknown, transform: Transform, context?: unknown): unknown {
  const name = transformName(transform);
  if (typeof transform === 'object' && 'default' in transform && !('enum' in transform)) {
    return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ? transform.default : value;
  }
  if (value === undefined || value === null) return value;
  if (typeof transform === 'string') {
    switch (transform) {
      case 'trim':
        return typeof value === 'string' ? value.trim() : value;
      case 'upper':
        return text(name, value).toUpperCase();
      case 'lower':
        return text(name, value).toLowerCase();
      case 'alphaStrip': {
        const s = text(name, value).trim();
        return isDigits(s) ? s.replace(/^0+(?=\d)/, '') : s;
      }
      case 'nullIfEmpty':
        return typeof value === 'string' && value.trim() === '' ? null : value;
      case 'country': {
        const s = text(name, value).trim().toUpperCase();
        if (s === '') return null;
        if (/^[A-Z]{2}$/.test(s)) return s;
        const two = ALPHA3_TO_ALPHA2[s];
        if (two) return two;
        throw new TransformError(name, value, 'not an ISO 3166 alpha-2 country code (or a known alpha-3 one)');
      }
      case 'taxId':
        return text(name, value).toUpperCase().replace(/[\s.-]/g, '');
      case 'abs':
      case 'negate': {
        const d = parseDecimal(value);
        return transform === 'abs' ? absDecimal(d) : negateDecimal(d);
      }
    }
  }
  if ('alphaPad' in transform) {
    const s = text(name, value).trim();
    if (s.length > transform.alphaPad) throw new TransformError(name, value, `longer than ${transform.alphaPad} characters`);
    return isDigits(s) ? s.padStart(transform.alphaPad, '0') : s;
  }
  if ('date' in transform) return parseDate(transform.date, value);
  if ('decimal' in transform) return parseDecimal(value, transform.decimal.decimalSeparator);
  if ('enum' in transform) {
    const key = text(name, value).trim();
    const mapped = Object.hasOwn(transform.enum, key) ? transform.enum[key] : transform.default;
    if (mapped === undefined) throw new TransformError(name, value, `unknown code; expected one of ${Object.keys(transform.enum).join(', ')}`);
    return mapped;
  }
  if ('addDays' in transform) {
    const day = typeof value === 'string' ? value.trim() : value;
    if (!isIsoDate(day)) throw new TransformError(name, value, 'expected a YYYY-MM-DD date (put a date transform before addDays)');
    const raw = getPath(context, transform.addDays);
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
    const scalar = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'bigint';
    const days = empty ? '0' : scalar ? String(raw).trim() : '';
    if (!/^[+-]?\d+$/.test(days)) throw new TransformError(name, raw, `${transform.addDays} is not a whole number of days`);
    // Payment terms run to a few years at most; beyond that the value is a data error, not a date.
    if (Math.abs(Number(days)) > 36_600) throw new TransformError(name, raw, `${transform.addDays} is out of range (more than 100 years of days)`);
    try {
      return addDays(day, Number(days));
    } catch (error) {
      // e.g. a date past 9999-12-31.
      throw new TransformError(name, value, error instanceof Error ? error.message : String(error));
    }
  }
  if ('bool' in transform) {
    if (typeof value === 'boolean') return value;
    const s = text(name, value).trim();
    if (transform.bool.true.includes(s)) return true;
    if (transform.bool.false.includes(s)) return false;
    throw new TransformError(name, value, `neither true (${transform.bool.true.join(', ')}) nor false (${transform.bool.false.join(', ')})`);
  }
  throw new TransformError(name, value, 'unknown transform');
}

/** Applies a chain of transforms in order. */
export function applyTransforms(value: unknown, transforms: readonly Transform[], context?: unknown): unknown {
  return transforms.reduce<unknown>((v, t) => applyTransform(v, t, context), value);
}
