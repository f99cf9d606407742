import { getPath } from '../mapping/path.js';
import { RowCap, repeatedPage } from './guard.js';
import type { PagingContext, PagingOf } from './types.js';

/**
 * `bookmark` (NAV/BC `ReadMultiple`): `{{bookmarkKey}}` is null on the first page, then the key
 * (`keyPath`) of the last record read; `{{pageSize}}`. Stops on an empty page only, as Microsoft
 * documents: a server may return fewer records than `setSize` before the end. A bookmark that
 * does not advance is an error.
 */
export async function* pageBookmark(paging: PagingOf<'bookmark'>, ctx: PagingContext): AsyncGenerator<unknown[]> {
  const cap = new RowCap(ctx.label, ctx.maxRows);
  const seen = new Set<string>();
  let bookmarkKey: string | null = null;
  for (;;) {
    const { records } = await ctx.fetch({ bookmarkKey, pageSize: paging.pageSize });
    if (records.length === 0) return;
    cap.add(records.length);
    const key = getPath(records[records.length - 1], paging.keyPath);
    if (key === undefined || key === null || key === '') {
      throw repeatedPage(ctx.label, `the last record has no bookmark at ${paging.keyPath}`);
    }
    const next = String(key);
    if (next === bookmarkKey || seen.has(next)) throw repeatedPage(ctx.label, `bookmark ${next} again`);
    seen.add(next);
    yield records;
    bookmarkKey = next;
  }
}
