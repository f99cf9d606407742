import { RowCap } from './guard.js';
import type { PagingContext } from './types.js';

/** `none`: one call returns everything. */
export async function* pageNone(ctx: PagingContext): AsyncGenerator<unknown[]> {
  const page = await ctx.fetch({});
  new RowCap(ctx.label, ctx.maxRows).add(page.records.length);
  yield page.records;
}
