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
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

function epochDay(iso: string): number {
  if (!isIsoDate(iso)) throw new TypeError(`'${iso}' is not a YYYY-MM-DD date`);
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

export function addDays(iso: string, days: number): string {
  return new Date((epochDay(iso) + days) * 86_400_000).toISOString().slice(0, 10);
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
