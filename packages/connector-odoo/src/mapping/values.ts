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

/** The id of a many2one (`[id, name]` or a bare id), or null for `false`. */
export function many2oneId(value: unknown): number | null {
  if (Array.isArray(value)) return typeof value[0] === 'number' ? value[0] : null;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** The display name of a many2one `[id, name]`, or null. */
export function many2oneName(value: unknown): string | null {
  return Array.isArray(value) ? odooText(value[1]) : null;
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
