import type { ChangeWatermark } from '@cesce-connect/core';

/** What a `cesce sync` run did, for people (table) and machines (`--json`). */
export interface SkippedItem {
  kind: 'classification' | 'invoice' | 'credit_note';
  erpRef: string;
  reason: string;
  /** The ERP field at fault, when the reason is bad data. */
  field?: string | undefined;
}

export interface RejectedItem {
  kind: 'classification' | 'invoice' | 'credit_note';
  erpRef: string;
  httpStatus: number;
  kbId: string;
  message: string;
  cause: string;
  fix: string;
}

export interface FailedItem {
  kind: 'classification' | 'invoice' | 'credit_note';
  erpRef: string;
  message: string;
  retryable: boolean;
}

export interface ClassificationOutcome {
  erpRef: string;
  taxCode: string;
  state: string;
  stateLabel: string;
  grantedLimit: string | null;
  endorsementNo: string | null;
  /** False for flagged customers Cesce had already classified (no new request sent). */
  requestedInThisRun: boolean;
}

/** A document Cesce already holds under its number with different data: held back, not sent. */
export interface ConflictItem {
  kind: 'invoice' | 'credit_note';
  erpRef: string;
  message: string;
}

/**
 * A Cesce domain (API) the run stopped calling after repeated failures (network, timeouts, 5xx):
 * its remaining items wait for the next run instead of hammering a service that is down.
 */
export interface PausedDomain {
  domain: 'classifications' | 'sales';
  /** Consecutive failed calls that paused it. */
  failures: number;
  lastError: string;
  message: string;
}

/** Something to look at that did not stop an item: bad optional data, changes after declaration. */
export interface WarningItem {
  erpRef: string;
  field: string;
  message: string;
}

/**
 * How the run read the ERP. `full`: every posted document (first run on an ERP database, --full,
 * a changed sync.fromDate, or a source that cannot read by change). `incremental`: the documents
 * changed since the watermark plus those earlier runs left open (not declared yet).
 */
export interface ReadSummary {
  mode: 'full' | 'incremental';
  /** Why the run read everything (null for incremental runs). */
  fullReason: string | null;
  /** The watermark the incremental read started from. */
  changedSince: ChangeWatermark | null;
  /** Documents of earlier runs re-read because they were still open. */
  reopened: number;
  /** The watermark stored for the next run (null: none stored, e.g. a dry run). */
  stored: ChangeWatermark | null;
  /** What was read from the ERP in this run (customers in full; documents as the mode says). */
  debtors?: number | undefined;
  documents?: number | undefined;
}

export interface SyncReport {
  dryRun: boolean;
  contractNo: string;
  erp: { system: string; version: string; company: string; url: string };
  /** `full` or `incremental`; details in `read`. */
  mode: 'full' | 'incremental';
  read: ReadSummary;
  classificationsRequested: number;
  classifications: ClassificationOutcome[];
  salesDeclared: number;
  creditNotesDeclared: number;
  /** Documents declared in earlier runs, left alone. */
  alreadyDeclared: number;
  /** Documents a new ledger found already declared at Cesce: recorded, not declared again. */
  adopted: number;
  /** Sending rows of an interrupted run found at Cesce (declared) or proved unsent (re-planned). */
  reconciled: { confirmed: number; resent: number };
  skipped: SkippedItem[];
  rejected: RejectedItem[];
  /** Rejected in an earlier run and unchanged in the ERP since: not sent again until corrected. */
  stillRejected: RejectedItem[];
  failed: FailedItem[];
  /** Domains paused for the rest of the run after repeated failures; the next run continues. */
  paused: PausedDomain[];
  /**
   * Creates sent again within the run (after a 429, or after an unknown outcome that a look-up at
   * Cesce proved had not been registered), and unknown outcomes found registered at Cesce (not resent).
   */
  retries: { resent: number; foundAtCesce: number };
  conflicts: ConflictItem[];
  warnings: WarningItem[];
  /** Writes into the ERP; errors are retried by the next run. */
  writeBack: {
    partners: number;
    invoices: number;
    errors: { erpRef: string; message: string }[];
    /** False when the connector cannot write back (the counts are then 0 by design). */
    supported?: boolean | undefined;
  };
  requests: { cesce: number; token: number };
  durationMs: number;
}

/** A report with nothing done yet: the start of every run. */
export function emptyReport(fields: { dryRun: boolean; contractNo: string; erp: SyncReport['erp']; writeBackSupported: boolean }): SyncReport {
  return {
    dryRun: fields.dryRun,
    contractNo: fields.contractNo,
    erp: fields.erp,
    mode: 'full',
    read: { mode: 'full', fullReason: null, changedSince: null, reopened: 0, stored: null },
    classificationsRequested: 0,
    classifications: [],
    salesDeclared: 0,
    creditNotesDeclared: 0,
    alreadyDeclared: 0,
    adopted: 0,
    reconciled: { confirmed: 0, resent: 0 },
    skipped: [],
    rejected: [],
    stillRejected: [],
    failed: [],
    paused: [],
    retries: { resent: 0, foundAtCesce: 0 },
    conflicts: [],
    warnings: [],
    writeBack: { partners: 0, invoices: 0, errors: [], supported: fields.writeBackSupported },
    requests: { cesce: 0, token: 0 },
    durationMs: 0,
  };
}

/**
 * 0: finished, nothing rejected, failed, in conflict or left unwritten in the ERP in this run (items
 * still rejected from earlier runs are listed but do not change the code); 2: finished with such items.
 * 1 is for fatal errors, raised as exceptions.
 */
export function exitCodeFor(report: SyncReport): 0 | 2 {
  const attention = report.rejected.length + report.failed.length + report.conflicts.length + report.writeBack.errors.length + (report.paused?.length ?? 0);
  return attention > 0 ? 2 : 0;
}

function wrap(items: string[], width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && next.length > width) {
      out.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line) out.push(line);
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** How many reasons, and documents per reason, the text report lists under "Skipped". */
const MAX_SKIPPED_REASONS = 100;
const MAX_REFS_PER_REASON = 20;

/**
 * A plain-text summary table with every rejected and failed item and its reason, and the skipped
 * items grouped by reason (the first 100 reasons, 20 documents each; `--json` has them all).
 */
export function formatReport(r: SyncReport): string {
  const lines: string[] = [];
  const title = r.dryRun ? 'cesce sync (dry run: nothing sent)' : 'cesce sync';
  lines.push(`${title}: contract ${r.contractNo}, ${r.erp.system} ${r.erp.version} company "${r.erp.company}"`);
  lines.push(readLine(r.read, r.dryRun), '');
  const verb = r.dryRun ? 'to request' : 'requested';
  const rows: [string, number][] = [
    [`Classifications ${verb}`, r.classificationsRequested],
    [`Sales ${r.dryRun ? 'to declare' : 'declared'}`, r.salesDeclared],
    [`Credit notes ${r.dryRun ? 'to declare' : 'declared'}`, r.creditNotesDeclared],
    ['Already declared earlier', r.alreadyDeclared],
    ...(r.adopted > 0 ? ([[r.dryRun ? 'Found already at Cesce (to record)' : 'Found already at Cesce (recorded)', r.adopted]] as [string, number][]) : []),
    ['Skipped', r.skipped.length],
    ['Rejected by Cesce', r.rejected.length],
    ['Still rejected (unchanged)', r.stillRejected.length],
    ['Failed (retry later)', r.failed.length],
    ...(r.conflicts.length > 0 ? ([['Conflicts with Cesce (held back)', r.conflicts.length]] as [string, number][]) : []),
  ];
  if (r.reconciled.confirmed + r.reconciled.resent > 0) {
    rows.push(['Interrupted sends reconciled', r.reconciled.confirmed + r.reconciled.resent]);
  }
  const retries = r.retries ?? { resent: 0, foundAtCesce: 0 };
  if (retries.resent > 0) rows.push(['Sent again after a failed attempt', retries.resent]);
  if (retries.foundAtCesce > 0) rows.push(['Lost answers found at Cesce (not resent)', retries.foundAtCesce]);
  const w = Math.max(...rows.map(([k]) => k.length)) + 2;
  for (const [k, v] of rows) lines.push(`  ${pad(k, w)}${String(v).padStart(6)}`);
  if (r.classifications.length > 0) {
    lines.push('', 'Customers flagged for a classification:');
    for (const c of r.classifications) {
      lines.push(`  ${c.erpRef} (${c.taxCode}): ${c.requestedInThisRun ? 'requested now, ' : ''}${c.stateLabel}${c.grantedLimit && !/^0(\.0+)? /.test(c.grantedLimit) ? `, granted ${c.grantedLimit}` : ''}${c.endorsementNo ? `, suplemento ${c.endorsementNo}` : ''}`);
    }
  }
  const rejections = (title: string, items: RejectedItem[]) => {
    if (items.length === 0) return;
    lines.push('', title);
    for (const x of items) {
      lines.push(`  ${x.erpRef}: ${x.httpStatus > 0 ? `HTTP ${x.httpStatus} ` : ''}${x.message}`);
      lines.push(`    [${x.kbId}] cause: ${x.cause}`);
      lines.push(`    fix: ${x.fix}`);
    }
  };
  rejections('Rejected:', r.rejected);
  rejections('Still rejected from earlier runs (correct them in the ERP to send them again):', r.stillRejected);
  if (r.conflicts.length > 0) {
    lines.push('', 'Conflicts (Cesce holds a different sale under the same number; nothing was sent):');
    for (const x of r.conflicts) lines.push(`  ${x.erpRef}: ${x.message}`);
  }
  if (r.failed.length > 0) {
    lines.push('', 'Failed (will be retried on the next run):');
    for (const x of r.failed) lines.push(`  ${x.erpRef}: ${x.message}`);
  }
  if ((r.paused ?? []).length > 0) {
    lines.push('', 'Paused (Cesce kept failing; nothing more was sent to it in this run):');
    for (const p of r.paused) {
      lines.push(`  ${p.domain}: ${p.message}`);
      lines.push(`    last error: ${p.lastError}`);
    }
    lines.push(
      '    Such outages of Cesce usually clear within a few hours the same day. Nothing is lost: the next run',
      '    checks at Cesce what was in flight and continues from there (with --watch it does so by itself).',
    );
  }
  if (r.skipped.length > 0) {
    // Items with the same reason (same customer, same cause) are listed together under it.
    // Bounded so a large first run stays readable: the JSON report (--json) has every item.
    const groups = new Map<string, string[]>();
    for (const s of r.skipped) {
      // The field names where to look when the reason does not (a SOAP profile's path, an Odoo field).
      const reason = s.field && !s.reason.includes(s.field) ? `${s.reason} [${s.field}]` : s.reason;
      const refs = groups.get(reason);
      if (refs) refs.push(s.erpRef);
      else groups.set(reason, [s.erpRef]);
    }
    lines.push('', `Skipped (${r.skipped.length}), by reason:`);
    let shown = 0;
    for (const [reason, refs] of groups) {
      if (shown === MAX_SKIPPED_REASONS) {
        const rest = [...groups.values()].slice(shown).reduce((n, g) => n + g.length, 0);
        lines.push(`  … ${groups.size - shown} more reasons (${rest} items): see --json`);
        break;
      }
      shown += 1;
      if (refs.length === 1) lines.push(`  ${refs[0]}: ${reason}`);
      else {
        const listed = refs.slice(0, MAX_REFS_PER_REASON);
        const more = refs.length - listed.length;
        lines.push(`  ${reason}: ${refs.length} items`, ...wrap(more > 0 ? [...listed, `… and ${more} more`] : listed, 96).map((l) => `    ${l}`));
      }
    }
  }
  if (r.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of r.warnings) lines.push(`  ${w.erpRef}: ${w.field}: ${w.message}`);
  }
  if (r.writeBack.errors.length > 0) {
    lines.push('', 'Write-back errors (retried on the next run):');
    for (const e of r.writeBack.errors) lines.push(`  ${e.erpRef}: ${e.message}`);
  }
  lines.push(
    '',
    (r.writeBack.supported === false
      ? 'Written back to the ERP: nothing (this connector reads only). '
      : `Written back to the ERP: ${plural(r.writeBack.partners, 'customer')}, ${plural(r.writeBack.invoices, 'document')}. `) +
      `Cesce requests: ${r.requests.cesce} API + ${r.requests.token} token, in ${(r.durationMs / 1000).toFixed(1)} s.`,
  );
  return lines.map(printable).join('\n');
}

function mark(w: ChangeWatermark): string {
  return `${w.updatedAt} #${w.erpId}`;
}

/** One line on how the ERP was read and where the next run starts. */
export function readLine(r: ReadSummary, dryRun = false): string {
  const how =
    r.mode === 'incremental'
      ? `Read: incremental, documents changed since ${r.changedSince ? mark(r.changedSince) : '?'} and ${plural(r.reopened, 'open document')} of earlier runs`
      : `Read: full (${r.fullReason ?? 'all posted documents'})`;
  const next = r.stored ? `next run reads changes from ${mark(r.stored)}` : dryRun ? 'a dry run stores no watermark' : 'no watermark stored';
  const counts = r.debtors === undefined ? '' : ` Read ${plural(r.debtors, 'customer')} and ${plural(r.documents ?? 0, 'document')} from the ERP.`;
  return `${how}; ${next}.${counts}`;
}

/** ERP texts may hold control or bidi characters that would break or disguise the table. */
function printable(line: string): string {
  return line.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '\ufffd').replace(/\t/g, ' ');
}
