/**
 * Readers for Odoo values as they arrive over XML-RPC (reference §1.9): empty values are `false`
 * (and `''` is a distinct but equally empty value), many2one is `[id, display_name]` (or a bare
 * id with `load=None`), floats are binary doubles.
 */
export type OdooRecord = Readonly<Record<string, unknown>>;

/** A char/text/selection/date value, or null when Odoo has none (`false`, `''`, blanks). */
export function odooText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return t === '' ? null : t;
}

/** The id of a many2one (`[id, name]` or a bare id), or null for `false` (or anything that is not a record id). */
export function many2oneId(value: unknown): number | null {
  const id: unknown = Array.isArray(value) ? value[0] : value;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The display name of a many2one `[id, name]`, or null. */
export function many2oneName(value: unknown): string | null {
  return Array.isArray(value) ? odooText(value[1]) : null;
}

/** A value for a message: JSON where it can be (quoted text, `false`), short; never throws. */
export function describeValue(value: unknown, max = 60): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A float/integer value, or null for `false` (Odoo also sends 0.0 for an empty float). */
export function odooNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** "2026-09-01 10:00:00" (Odoo UTC datetime) → "2026-09-01T10:00:00Z"; other text is kept. */
export function odooDatetimeToIso(value: unknown): string | null {
  const t = odooText(value);
  if (!t) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?$/.exec(t);
  return m ? `${m[1]}T${m[2]}Z` : t;
}

/**
 * An instant given as Odoo's "YYYY-MM-DD HH:MM:SS" (UTC) or ISO "YYYY-MM-DDTHH:MM:SS[.sss]Z"
 * (what `odooDatetimeToIso` produces) → Odoo's UTC text, shifted by `shiftSeconds` (negative =
 * earlier), to the second; null when the text is not such an instant.
 */
export function toOdooDatetime(value: string, shiftSeconds = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return new Date(ms + shiftSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
