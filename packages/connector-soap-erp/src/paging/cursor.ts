import { getPath } from '../mapping/path.js';
import { RowCap, repeatedPage } from './guard.js';
import type { PagingContext, PagingOf } from './types.js';

function truthy(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^(true|1|x|yes)$/i.test(value.trim())) || value === 1;
}

/**
 * `cursor` (A2X `LastReturnedObjectID`): `{{cursor}}` is null first, then the answer's value at
 * `cursorPath`; `{{pageSize}}`. Stops when `morePath` says no more, the cursor is empty, or a page
 * is empty. A cursor that does not advance is an error.
 */
export async function* pageCursor(paging: PagingOf<'cursor'>, ctx: PagingContext): AsyncGenerator<unknown[]> {
  const cap = new RowCap(ctx.label, ctx.maxRows);
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (;;) {
    const { answer, records } = await ctx.fetch({ cursor, pageSize: paging.pageSize });
    cap.add(records.length);
    if (records.length > 0) yield records;
    const raw = getPath(answer, paging.cursorPath);
    const next = raw === undefined || raw === null || raw === '' ? null : String(raw);
    if (records.length === 0 || next === null) return;
    if (paging.morePath !== undefined && !truthy(getPath(answer, paging.morePath))) return;
    if (next === cursor || seen.has(next)) throw repeatedPage(ctx.label, `cursor ${next} again`);
    seen.add(next);
    cursor = next;
  }
}
