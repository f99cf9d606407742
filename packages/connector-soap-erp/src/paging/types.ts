import type { Paging } from '../profile/schema.js';
import type { TemplateValues } from './template.js';

/** One page as the list reader fetched it: the whole (array-normalised) answer and its records. */
export interface FetchedPage {
  answer: unknown;
  records: unknown[];
}

/** What a paging strategy needs: how to fetch one page with its placeholder values. */
export interface PagingContext {
  /** Calls the operation with the request rendered with these paging placeholders. */
  fetch(values: TemplateValues): Promise<FetchedPage>;
  /** Names the list and operation in errors, e.g. `sap-bapi invoices (BAPI_BILLINGDOC_GETLIST)`. */
  label: string;
  /** Hard cap on the rows of one list read; more is an error (a server that never stops). */
  maxRows: number;
  /** Incremental watermark as `YYYY-MM-DD` (date windows) or a number text (number windows): windows start there. */
  since?: string | undefined;
  /** Today (`YYYY-MM-DD`), the end of date windows without `end`. */
  today?: string | undefined;
}

export type PagingOf<T extends Paging['type']> = Extract<Paging, { type: T }>;
