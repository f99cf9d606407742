import { ConfigError, ErpError, addDays, daysBetween, isIsoDate, todayIso } from '@cesce-connect/core';
import { RowCap } from './guard.js';
import type { PagingContext, PagingOf } from './types.js';

type Window = { from: bigint; to: bigint };

function dateToIso(text: string, label: string): string {
  const t = text.trim();
  const iso = /^\d{8}$/.test(t) ? `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}` : t.slice(0, 10);
  if (!isIsoDate(iso)) throw new ConfigError(`SOAP ERP profile, ${label}`, [{ path: 'paging', message: `'${text}' is not a date (YYYY-MM-DD or YYYYMMDD)` }]);
  return iso;
}

function numberOf(text: string, label: string): bigint {
  if (!/^\d+$/.test(text.trim())) throw new ConfigError(`SOAP ERP profile, ${label}`, [{ path: 'paging', message: `'${text}' is not a whole number` }]);
  return BigInt(text.trim());
}

/**
 * `window`: for BAPIs without a cursor. `{{from}}`/`{{to}}` walk inclusive windows over dates
 * (`stepDays`, written as `format`) or numbers (`step`, zero-padded to `pad`) from `start` (or the
 * incremental watermark when later) to `end` (dates: default today; numbers: default `start` +
 * `maxWindows` steps). A window that returns `maxRows` rows or more may have been truncated: it is
 * split in two and read again; a one-unit window that still does is an error.
 */
export async function* pageWindow(paging: PagingOf<'window'>, ctx: PagingContext): AsyncGenerator<unknown[]> {
  const cap = new RowCap(ctx.label, ctx.maxRows);
  const isDate = paging.over === 'date';
  const step = BigInt(isDate ? (paging.stepDays ?? 1) : (paging.step ?? 1));
  const epoch = '1970-01-01';
  let start: bigint;
  let end: bigint;
  if (isDate) {
    let first = dateToIso(paging.start, ctx.label);
    if (ctx.since && dateToIso(ctx.since, ctx.label) > first) first = dateToIso(ctx.since, ctx.label);
    start = BigInt(daysBetween(epoch, first));
    end = BigInt(daysBetween(epoch, paging.end ? dateToIso(paging.end, ctx.label) : (ctx.today ?? todayIso())));
  } else {
    start = numberOf(paging.start, ctx.label);
    if (ctx.since && /^\d+$/.test(ctx.since) && BigInt(ctx.since) > start) start = BigInt(ctx.since);
    end = paging.end ? numberOf(paging.end, ctx.label) : start + step * BigInt(paging.maxWindows) - 1n;
  }
  if ((end - start + 1n + step - 1n) / step > BigInt(paging.maxWindows)) {
    throw new ConfigError(`SOAP ERP profile, ${ctx.label}`, [
      { path: 'paging.maxWindows', message: `the range needs more than ${paging.maxWindows} windows; raise step/stepDays or maxWindows` },
    ]);
  }
  const write = (n: bigint): string | number => {
    if (isDate) {
      const iso = addDays(epoch, Number(n));
      return paging.format === 'YYYYMMDD' ? iso.replaceAll('-', '') : iso;
    }
    return paging.pad ? n.toString().padStart(paging.pad, '0') : Number(n);
  };
  const queue: Window[] = [];
  for (let from = start; from <= end; from += step) queue.push({ from, to: from + step - 1n > end ? end : from + step - 1n });
  while (queue.length > 0) {
    const w = queue.shift()!;
    // `{{maxRows}}` lets the request's own row limit (SAP MAXROWS) follow paging.maxRows, so the
    // truncation check below and the server's cap can never disagree.
    const { records } = await ctx.fetch({ from: write(w.from), to: write(w.to), ...(paging.maxRows !== undefined ? { maxRows: paging.maxRows } : {}) });
    if (paging.maxRows !== undefined && records.length >= paging.maxRows) {
      if (w.from === w.to) {
        throw new ErpError('soap-erp', 'protocol', `${ctx.label}: the window ${write(w.from)} alone returns ${records.length} rows (maxRows ${paging.maxRows}); it may be truncated`, {
          hint: 'raise paging.maxRows in the profile (send it to the ERP as "{{maxRows}}", e.g. SAP MAXROWS)',
        });
      }
      const mid = w.from + (w.to - w.from) / 2n;
      queue.unshift({ from: w.from, to: mid }, { from: mid + 1n, to: w.to });
      continue;
    }
    cap.add(records.length);
    if (records.length > 0) yield records;
  }
}
