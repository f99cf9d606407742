/**
 * Business dates are plain `YYYY-MM-DD` strings. They are never turned into `Date` objects in
 * local time, so no time zone can shift them; day arithmetic uses UTC epoch days only.
 */
const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

/** Proleptic Gregorian calendar; no `Date` involved (Date.UTC reads years 0-99 as 1900-1999). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const MS_PER_DAY = 86_400_000;

function epochDay(iso: string): number {
  if (!isIsoDate(iso)) throw new TypeError(`'${iso}' is not a YYYY-MM-DD date`);
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  // setUTCFullYear takes the year as given (Date.UTC would turn 0050 into 1950).
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getTime() / MS_PER_DAY;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/** The date `days` (a whole number) after `iso`; a result outside years 0000-9999 is refused. */
export function addDays(iso: string, days: number): string {
  if (!Number.isInteger(days)) throw new TypeError(`${days} is not a whole number of days`);
  const result = new Date((epochDay(iso) + days) * MS_PER_DAY);
  const year = result.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) throw new TypeError(`'${iso}' + ${days} days is outside the years 0000-9999`);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(year, 4)}-${pad(result.getUTCMonth() + 1, 2)}-${pad(result.getUTCDate(), 2)}`;
}

/** "2026-03-15" → "20260315" (Cesce's date format, [third-party-client]). */
export function toCesceDate(iso: string): string {
  if (!isIsoDate(iso)) throw new TypeError(`'${iso}' is not a YYYY-MM-DD date`);
  return iso.replaceAll('-', '');
}

/** "20260315" → "2026-03-15"; Cesce's "0" (or empty) for "no date" → null. */
export function fromCesceDate(text: string | null | undefined): string | null {
  const t = (text ?? '').trim();
  if (t === '' || t === '0' || t === '00000000') return null;
  if (!/^\d{8}$/.test(t)) throw new TypeError(`'${text}' is not a Cesce date (yyyyMMdd)`);
  const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
  if (!isIsoDate(iso)) throw new TypeError(`'${text}' is not a valid calendar date`);
  return iso;
}

/** "2026-03-15" → "202603" (invoice month filter of the Sales list, [inferred]). */
export function toInvoiceMonth(iso: string): string {
  return toCesceDate(iso).slice(0, 6);
}

/** Today's date in UTC as `YYYY-MM-DD` (or of the given instant). */
export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
