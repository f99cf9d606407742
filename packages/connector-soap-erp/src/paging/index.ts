import type { Paging } from '../profile/schema.js';
import { pageBookmark } from './bookmark.js';
import { pageCursor } from './cursor.js';
import { pageNone } from './none.js';
import { pageOffset } from './offset.js';
import { pagePageIndex } from './page-index.js';
import type { PagingContext } from './types.js';
import { pageWindow } from './window.js';

export type { FetchedPage, PagingContext } from './types.js';
export { renderTemplate, placeholdersOf, type TemplateValues } from './template.js';

/** Reads a list page by page with its paging strategy; yields each page's records. */
export function readPages(paging: Paging, ctx: PagingContext): AsyncGenerator<unknown[]> {
  switch (paging.type) {
    case 'none':
      return pageNone(ctx);
    case 'bookmark':
      return pageBookmark(paging, ctx);
    case 'cursor':
      return pageCursor(paging, ctx);
    case 'pageIndex':
      return pagePageIndex(paging, ctx);
    case 'offset':
      return pageOffset(paging, ctx);
    case 'window':
      return pageWindow(paging, ctx);
  }
}
