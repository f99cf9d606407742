/** What `cesce status` does; loaded by its definition (../commands/status.ts) only when the command runs. */
import { ledgerStatus, needsAttention, type Amounts, type LedgerStatus, type Tally } from '@cesce-connect/sync';
import { printFatal } from '../output.js';
import { ledgerFileOf, openLedgerReadonly } from './ledger.js';
import { UsageError } from './sync.js';

export interface StatusFlags {
  config?: string;
  ledger?: string;
  json?: boolean;
  month?: string;
  customer?: string;
  lang?: string;
  runs?: string;
}

export function statusCommand(flags: StatusFlags): number {
  const json = flags.json ?? false;
  const ledger = (() => {
    try {
      const lang = flags.lang ?? 'en';
      if (lang !== 'en' && lang !== 'es') throw new UsageError(`--lang must be en or es, not '${lang}'`);
      const runs = Number(flags.runs ?? '5');
      if (!Number.isInteger(runs) || runs < 0 || runs > 1000) throw new UsageError(`--runs must be a whole number from 0 to 1000, not '${flags.runs}'`);
      const ledger = openLedgerReadonly(ledgerFileOf(flags));
      try {
        return ledgerStatus(ledger, { month: flags.month, customer: flags.customer, lang, runs });
      } finally {
        ledger.close();
      }
    } catch (error) {
      printFatal(error, { json, secrets: [] });
      return null;
    }
  })();
  if (!ledger) return 1;
  if (json) process.stdout.write(`${JSON.stringify({ ok: true, ...ledger }, null, 2)}\n`);
  else process.stdout.write(`${formatStatus(ledger, (flags.lang ?? 'en') as 'en' | 'es')}\n`);
  return needsAttention(ledger) ? 2 : 0;
}

function amounts(a: Amounts): string {
  const list = Object.entries(a).sort(([x], [y]) => x.localeCompare(y));
  return list.length === 0 ? '' : list.map(([cur, amount]) => `${amount} ${cur}`).join(' + ');
}

function cell(bucket: { count: number; amounts: Amounts }): string {
  const a = amounts(bucket.amounts);
  return a ? `${bucket.count} (${a})` : String(bucket.count);
}

function table(head: string, rows: [string, Tally][]): string[] {
  const data = rows.map(([label, t]) => [label, cell(t.declared), cell(t.pending), cell(t.rejected)]);
  const all = [[head, 'declared', 'pending', 'rejected'], ...data];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...all.map((r) => [...r[i]!].length)));
  return all.map((r) => `  ${r.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('   ').trimEnd()}`);
}

/** The text of `cesce status`. */
export function formatStatus(s: LedgerStatus, lang: 'en' | 'es' = 'en'): string {
  const out: string[] = [];
  const filters = [s.filters.month ? `month ${s.filters.month}` : '', s.filters.customer ? `customer "${s.filters.customer}"` : ''].filter(Boolean);
  out.push(`cesce status: ledger ${s.ledger}${s.contracts.length ? `, contract ${s.contracts.join(', ')}` : ''}${filters.length ? ` (only ${filters.join(', ')})` : ''}`);
  if (s.lock) out.push(`A sync is running now: pid ${s.lock.pid} on ${s.lock.host}, since ${s.lock.since}.`);
  out.push('');
  out.push(`  Declared          ${cell(s.totals.declared)}`);
  out.push(`  Pending           ${cell(s.totals.pending)}   (being sent ${s.byState.sending}, failed ${s.byState.failed})`);
  out.push(`  Rejected          ${cell(s.totals.rejected)}`);
  out.push(`  Classifications   ${s.classifications.requested} requested, ${s.classifications.rejected} rejected, ${s.classifications.pending} pending`);
  if (s.months.length > 0) {
    out.push('', 'Per invoice month:', ...table('month', s.months.map((m) => [m.month, m])));
  }
  if (s.customers.length > 0) {
    out.push('', 'Per customer:', ...table('customer', s.customers.map((c) => [c.customer, c])));
  }
  const label = lang === 'es' ? { cause: 'causa', fix: 'solución' } : { cause: 'cause', fix: 'fix' };
  if (s.rejected.length > 0) {
    out.push('', `Rejected by Cesce (${s.rejected.length}):`);
    for (const r of s.rejected) {
      const money = r.amount ? `, ${r.amount} ${r.currency}` : '';
      out.push(`  ${r.erpRef} [${r.key}]${r.customer ? ` — ${r.customer}` : ''}${r.month ? `, ${r.month}` : ''}${money}`);
      out.push(`    HTTP ${r.httpStatus ?? '?'}: ${r.message}`);
      if (r.kbId) out.push(`    [${r.kbId}] ${label.cause}: ${r.cause || '(no knowledge-base entry)'}`);
      if (r.fix) out.push(`    ${label.fix}: ${r.fix}`);
      if (r.retriedBefore.length > 0) out.push(`    retried ${r.retriedBefore.length} time(s) before with \`cesce retry\`, last on ${r.retriedBefore[0]!.retriedAt}`);
      if (r.retryable) out.push('    may succeed when sent again: `cesce retry --all-retryable` picks it');
    }
    out.push('  After fixing the data: cesce retry --config FILE --id KEY (a changed document is also sent again by the next sync).');
  }
  if (s.pending.length > 0) {
    out.push('', `Pending (${s.pending.length}):`);
    for (const p of s.pending) {
      const money = p.amount ? `, ${p.amount} ${p.currency}` : '';
      out.push(`  ${p.erpRef} [${p.key}] ${p.state} since ${p.since}${money}`);
      if (p.lastError) out.push(`    last error${p.httpStatus ? ` (HTTP ${p.httpStatus})` : ''}: ${p.lastError}`);
      out.push(`    ${p.note}`);
    }
  }
  if (s.runs.length > 0) {
    out.push('', 'Last runs:');
    for (const r of s.runs) {
      const c = r.counts;
      const counts = c
        ? `${c.declared} sales and ${c.creditNotes} credit notes declared, ${c.classificationsRequested} classifications requested, ${c.rejected} rejected, ${c.failed} failed, ${c.conflicts} conflicts, ${c.skipped} skipped`
        : r.outcome === 'failed'
          ? `stopped by an error: ${r.error}`
          : r.outcome === 'running'
          ? 'running now'
          : 'did not finish (stopped or killed; what it left in flight is looked up at Cesce by the next run)';
      out.push(`  #${r.id} ${r.startedAt}${r.dryRun ? ' (dry run)' : ''}: ${counts}`);
    }
  } else out.push('', 'No run has finished on this ledger yet.');
  return out.join('\n');
}
