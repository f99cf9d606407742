/**
 * Reading dot paths in the objects node-soap parses from SOAP answers. Conventions of node-soap:
 * XML attributes are under `attributes`, the text of an element that has attributes is under
 * `$value`, an empty element is `null` (or `''` for `xs:string`), and an `xsi:nil` element is
 * either absent or `null` (`handleNilAsNull`). Paths never break on any of these.
 */

export const ATTRIBUTES_KEY = 'attributes';
export const VALUE_KEY = '$value';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** True when an element carries `xsi:nil="true"` (any prefix). */
function isNil(value: Record<string, unknown>): boolean {
  const attrs = value[ATTRIBUTES_KEY];
  if (!isRecord(attrs)) return false;
  return Object.entries(attrs).some(([k, v]) => /(^|:)nil$/.test(k) && (v === true || v === 'true' || v === '1'));
}

/**
 * The value of an element: its text when it has attributes (`$value`), `null` for `xsi:nil`,
 * otherwise the value itself (objects and arrays are returned as they are).
 */
export function unwrap(value: unknown): unknown {
  if (!isRecord(value)) return value;
  if (isNil(value)) return null;
  if (VALUE_KEY in value) return unwrap(value[VALUE_KEY]);
  return value;
}

/** Splits a dot path; `''` is the value itself. */
export function pathSegments(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

/**
 * Reads `path` from `root`: `undefined` when any step is missing, `null` for nil/empty elements,
 * the text of an element with attributes. An array met on the way (a repeated element) is read
 * through its first element, so a path works whether the element came once or several times.
 */
export function getPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const segment of pathSegments(path)) {
    if (Array.isArray(current)) current = current[0];
    if (segment !== VALUE_KEY && segment !== ATTRIBUTES_KEY) current = unwrap(current);
    if (current === null) return null;
    if (!isRecord(current)) return undefined;
    current = current[segment];
  }
  return unwrap(current);
}

/** Missing, null, blank text or an empty element: a field map then tries its next path. */
export function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (isRecord(value) && Object.keys(value).length === 0);
}
