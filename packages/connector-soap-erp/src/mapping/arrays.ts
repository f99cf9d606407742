/**
 * node-soap turns a repeated element into an array only when it occurs twice or more: a one-row
 * SAP table comes back as a bare `item` object, an empty table as `null`, `''` or a missing
 * element, and NAV's empty `ReadMultiple_Result` as an empty wrapper. These helpers make the
 * configured paths arrays whatever came back.
 */
import { pathSegments, unwrap } from './path.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Any value as an array of present elements: missing/null/'' → [], one value → [value]. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v) => {
    const u = unwrap(v);
    return u !== undefined && u !== null && !(typeof u === 'string' && u.trim() === '') && !(isRecord(u) && Object.keys(u).length === 0);
  });
}

/**
 * Every value at `path`, flattening the arrays met on the way (a path through a list of lists
 * yields all leaves). `getAll(answer, 'ADDRESSDATA.item')` is the rows of the table whether it
 * has none, one or many.
 */
export function getAll(root: unknown, path: string): unknown[] {
  let current: unknown[] = asArray(root);
  for (const segment of pathSegments(path)) {
    current = current.flatMap((node) => {
      const value = unwrap(node);
      return isRecord(value) ? asArray(value[segment]) : [];
    });
  }
  return current;
}

/**
 * Makes every one of `paths` an array in `root`, in place (the parsed answer is ours), and
 * returns `root`. Missing intermediate objects are left missing; arrays on the way are walked.
 */
export function normalizeArrays<T>(root: T, paths: readonly string[]): T {
  for (const path of paths) {
    const segments = pathSegments(path);
    const last = segments.pop();
    if (last === undefined) continue;
    let parents: unknown[] = asArray(root);
    for (const segment of segments) {
      parents = parents.flatMap((p) => (isRecord(p) ? asArray(p[segment]) : []));
    }
    for (const parent of parents) if (isRecord(parent)) parent[last] = asArray(parent[last]);
  }
  return root;
}
