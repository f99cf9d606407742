/**
 * Applying a `FieldMap` to a record context: `{ ...record, detail, openItem }`. A list of paths
 * takes the first non-empty one; `const` gives a constant; transforms follow.
 */
import type { FieldMap } from '../profile/schema.js';
import { getPath, isEmptyValue } from './path.js';
import { applyTransforms, TransformError } from './transforms.js';

export type FieldResult = { ok: true; value: unknown } | { ok: false; message: string };

/** The source of a field for messages: `BILLINGDATE`, `detail.NAME|NAME`, `const`. */
export function fieldSource(map: FieldMap): string {
  if (typeof map === 'string') return map || '(record)';
  if (map.path === undefined) return 'const';
  return Array.isArray(map.path) ? map.path.join('|') : map.path || '(record)';
}

/** `invoiceDate (BILLINGDATE)`: the profile's field name plus where it is read. */
export function fieldLabel(name: string, map: FieldMap | undefined): string {
  return map === undefined ? name : `${name} (${fieldSource(map)})`;
}

/** Reads the raw value of a field (before transforms). */
export function readRaw(context: unknown, map: FieldMap): unknown {
  if (typeof map === 'string') return getPath(context, map);
  if (map.path === undefined) return map.const;
  const paths = Array.isArray(map.path) ? map.path : [map.path];
  let last: unknown;
  for (const p of paths) {
    last = getPath(context, p);
    if (!isEmptyValue(last)) return last;
  }
  return last;
}

/** Reads and transforms a field; a transform failure is a message naming the transform and the raw value. */
export function readField(context: unknown, map: FieldMap | undefined): FieldResult {
  if (map === undefined) return { ok: true, value: undefined };
  const raw = readRaw(context, map);
  const transforms = typeof map === 'string' ? [] : map.transforms;
  try {
    return { ok: true, value: applyTransforms(raw, transforms, context) };
  } catch (error) {
    if (error instanceof TransformError) return { ok: false, message: error.message };
    throw error;
  }
}

/** A field value as trimmed text, or null when missing/empty/not a scalar. */
export function asText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return String(value);
  return null;
}
