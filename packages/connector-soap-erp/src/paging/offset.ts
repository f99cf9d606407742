import { RowCap, repeatedPage } from './guard.js';
import type { PagingContext, PagingOf } from './types.js';

/** `offset`: `{{offset}}` from 0 and `{{limit}}` (= `{{pageSize}}`); stops on a short or empty page. */
export async function* pageOffset(paging: PagingOf<'offset'>, ctx: PagingContext): AsyncGenerator<unknown[]> {
  const cap = new RowCap(ctx.label, ctx.maxRows);
  let previous: string | null = null;
  for (let offset = 0; ; offset += paging.pageSize) {
    const { records } = await ctx.fetch({ offset, limit: paging.pageSize, pageSize: paging.pageSize });
    if (records.length === 0) return;
    const fingerprint = JSON.stringify(records);
    if (fingerprint === previous) throw repeatedPage(ctx.label, `offset ${offset} returned the previous page`);
    previous = fingerprint;
    cap.add(records.length);
    yield records;
    if (records.length < paging.pageSize) return;
  }
}
