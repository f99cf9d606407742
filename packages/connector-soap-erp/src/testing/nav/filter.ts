/**
 * Business Central filter criteria, the subset the emulator understands (documented in the
 * README): `v` (equal), `a|b` (or), `a&b` (and), `a..b`, `..b`, `a..` (ranges, inclusive),
 * `>v`, `>=v`, `<v`, `<=v`, `<>v`, `''` (empty / blank date), `*` wildcards on text, `'quoted'`
 * values. Dates are `YYYY-MM-DD`; booleans `true|false|Yes|No`; decimals compared exactly.
 */
import { compareDecimal } from '@cesce-connect/core';
import type { NavFieldType } from './pages.js';

export type NavValue = string | number | boolean;

const BLANK_DATE = '0001-01-01';

function unquote(text: string): string {
  const t = text.trim();
  return t.length >= 2 && t.startsWith("'") && t.endsWith("'") ? t.slice(1, -1).replace(/''/g, "'") : t;
}

/** The value's comparable text for its type; throws on a malformed criterion value. */
function normalise(type: NavFieldType, raw: string): string {
  const v = unquote(raw);
  if (type === 'date') {
    if (v === '') return BLANK_DATE;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new Error(`'${raw}' is not a valid date (use YYYY-MM-DD)`);
    return v;
  }
  if (type === 'decimal' || type === 'int') {
    if (v === '') return '0';
    if (!/^-?\d+(\.\d+)?$/.test(v)) throw new Error(`'${raw}' is not a valid number`);
    return v;
  }
  if (type === 'boolean') {
    if (/^(true|yes|1)$/i.test(v)) return 'true';
    if (/^(false|no|0)$/i.test(v)) return 'false';
    throw new Error(`'${raw}' is not a valid boolean (true/false, Yes/No)`);
  }
  return v;
}

function compare(type: NavFieldType, a: string, b: string): number {
  if (type === 'decimal' || type === 'int') return compareDecimal(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compiles a criteria string for a field type into a predicate over the field's value. */
export function compileCriteria(type: NavFieldType, criteria: string): (value: NavValue) => boolean {
  const text = criteria.trim();
  if (text === '') return () => true;
  const alternatives = text.split('|').map((alt) =>
    alt.split('&').map((term): ((v: string) => boolean) => {
      const t = term.trim();
      const range = /^(.*?)\.\.(.*)$/.exec(t);
      if (range && !t.startsWith("'")) {
        const lo = range[1]!.trim() === '' ? null : normalise(type, range[1]!);
        const hi = range[2]!.trim() === '' ? null : normalise(type, range[2]!);
        return (v) => (lo === null || compare(type, v, lo) >= 0) && (hi === null || compare(type, v, hi) <= 0);
      }
      const op = /^(<>|>=|<=|>|<|=)(.*)$/.exec(t);
      if (op) {
        const x = normalise(type, op[2]!);
        const o = op[1]!;
        return (v) => {
          const c = compare(type, v, x);
          return o === '<>' ? c !== 0 : o === '>=' ? c >= 0 : o === '<=' ? c <= 0 : o === '>' ? c > 0 : o === '<' ? c < 0 : c === 0;
        };
      }
      const x = normalise(type, t);
      if ((type === 'string' || typeof type === 'object') && x.includes('*')) {
        const re = new RegExp(`^${x.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
        return (v) => re.test(v);
      }
      return (v) => compare(type, v, x) === 0;
    }),
  );
  return (value) => {
    const v = type === 'boolean' ? String(value === true) : String(value);
    return alternatives.some((terms) => terms.every((f) => f(v)));
  };
}
