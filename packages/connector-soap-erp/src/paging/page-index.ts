import { getPath } from '../mapping/path.js';
import { RowCap, repeatedPage } from './guard.js';
import type { PagingContext, PagingOf } from './types.js';

/**
 * `pageIndex` (NetSuite `searchMoreWithId` style): `{{pageIndex}}` from `firstPage`, `{{pageSize}}`.
 * Stops on a short or empty page, or after the last page `totalPagesPath` announces. A page
 * identical to the previous one is an error.
 */
export async function* pagePageIndex(paging: PagingOf<'pageIndex'>, ctx: PagingContext): AsyncGenerator<unknown[]> {
  const cap = new RowCap(ctx.label, ctx.maxRows);
  let previous: string | null = null;
  for (let pageIndex = paging.firstPage; ; pageIndex++) {
    const { answer, records } = await ctx.fetch({ pageIndex, pageSize: paging.pageSize });
    if (records.length === 0) return;
    const fingerprint = JSON.stringify(records);
    if (fingerprint === previous) throw repeatedPage(ctx.label, `page ${pageIndex} equals page ${pageIndex - 1}`);
    previous = fingerprint;
    cap.add(records.length);
    yield records;
    if (records.length < paging.pageSize) return;
    if (paging.totalPagesPath !== undefined) {
      const total = Number(getPath(answer, paging.totalPagesPath));
      if (Number.isFinite(total) && pageIndex - paging.firstPage + 1 >= total) return;
    }
  }
}
