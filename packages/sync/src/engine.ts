import { createHash } from 'node:crypto';
import {
  CesceApiError,
  CesceAuthError,
  CesceConnectError,
  CesceResponseError,
  ErpError,
  failureKind,
  recordExchanges,
  retryAfterOf,
  retryDelayMs,
  sleep,
  type Exchange,
  abs,
  addDecimal,
  compareDecimal,
  compareWatermarks,
  findEntry,
  fromCesceDate,
  fromCesceDecimal,
  NetworkError,
  toInvoiceMonth,
  toCreateClassificationRequest,
  toCreateSaleRequest,
  type CesceClient,
  type CesceRejection,
  type ChangeWatermark,
  type Classification,
  type ClassificationWriteBack,
  type CreateClassificationInput,
  type Debtor,
  type DeclareSaleInput,
  type ErpSource,
  type Money,
  type Sale,
  type SaleDocument,
  type SaleWriteBack,
} from '@cesce-connect/core';
import { documentProblem, findDuplicateNumbers, sameAmount } from './checks.js';
import { creditNoteInput, invoiceInput } from './inputs.js';
import { forEachConcurrent } from './concurrency.js';
import { CONFLICT_KB_ID, itemKey, type ItemKind, type Ledger, type LedgerItem, type SendingInput } from './ledger.js';
import { emptyReport, type PausedDomain, type ClassificationOutcome, type ReadSummary, type RejectedItem, type SkippedItem, type SyncReport, type WarningItem } from './report.js';

export type SyncPhase = 'reconcile' | 'read' | 'look-up' | 'classify' | 'adopt' | 'declare' | 'credit-notes' | 'write-back';

export interface ProgressEvent {
  phase: SyncPhase;
  done: number;
  total: number;
}

export interface SyncOptions {
  source: ErpSource;
  client: CesceClient;
  ledger: Ledger;
  /** Plan only: read the ERP and Cesce, send nothing, write nothing. */
  dryRun?: boolean | undefined;
  /** Cesce calls in flight at once (default 4). */
  concurrency?: number | undefined;
  /** Only documents dated on or after this `YYYY-MM-DD`. */
  fromDate?: string | undefined;
  /**
   * Read every posted document, not only those changed since the last run, and store a new
   * watermark. Runs are incremental only when the source can read by change (`capabilities`).
   */
  full?: boolean | undefined;
  /**
   * Look every document up at Cesce before declaring it, as a new ledger does by itself: for a
   * ledger restored from a backup, which may miss recent declarations.
   */
  verifyAtCesce?: boolean | undefined;
  /**
   * Consecutive failed Cesce calls (network error, timeout, 5xx, unusable answer) in one domain
   * (classifications or sales) after which the run stops calling that domain and reports it in
   * `report.paused` (default 5). The other domain goes on; the next run continues.
   */
  maxConsecutiveFailures?: number | undefined;
  /**
   * Attempts per create (classification request, sale) within one run; default the client's retry
   * policy, `limit + 1`. A 429 is sent again after its Retry-After (capped); after a network error,
   * timeout or 5xx the item is first looked up at Cesce and sent again only if it is not there.
   * When they run out the item is `failed` and the next run reconciles it.
   */
  createAttempts?: number | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  /**
   * False: request classifications (and write them back) but read, plan and declare no sale, for a
   * contract whose sales the multi-worker mode declares (one declarer per contract). Default true.
   */
  declareSales?: boolean | undefined;
}

type Domain = 'classifications' | 'sales';

/** What a look-up at Cesce says of a create whose outcome was unknown. */
export type FoundAtCesce =
  | { kind: 'absent' }
  | { kind: 'found'; ref: string | null; endorsementNo?: string | null; classification?: Classification }
  /** Cesce holds the number with other data: never send it again blindly. */
  | { kind: 'conflict'; message: string };

type CreateOutcome<T> = { kind: 'created'; value: T } | { kind: 'error'; error: unknown } | Exclude<FoundAtCesce, { kind: 'absent' }>;

interface WriteBackItem {
  key: string;
  erpId: string;
  erpRef: string;
  cesceRef: string | null;
}

interface PlannedSale {
  doc: SaleDocument;
  debtor: Debtor | undefined;
  input: DeclareSaleInput;
  hash: string;
}

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

/** What identifies a document's declaration: a change in any of these re-plans a rejected item. */
function documentHash(doc: SaleDocument, debtor: Debtor | undefined): string {
  return sha256([doc.kind, doc.number, doc.invoiceDate, doc.dueDate, doc.total, doc.originNumber, debtor?.taxCode, debtor?.countryCode]);
}

export function blockingIssue(issues: { severity: string; message: string; field: string }[]): { message: string; field: string } | undefined {
  return issues.find((i) => i.severity === 'blocking');
}


const CONFLICT_TEXTS = {
  cause: { en: 'Cesce holds a different sale under this document number.', es: 'Cesce tiene otra venta distinta con este número de documento.' },
  fix: { en: 'Correct the document in the ERP, or have the sale corrected at Cesce.', es: 'Corrija el documento en el ERP o pida a Cesce que corrija la venta.' },
};

/** Cesce's refusal of a ledger item, with the knowledge base's cause and fix in both languages. */
function rejectionOf(item: LedgerItem): CesceRejection {
  const entry = item.kbId ? findEntry(item.kbId) : undefined;
  const texts = entry ?? (item.kbId === CONFLICT_KB_ID ? CONFLICT_TEXTS : { cause: { en: '', es: '' }, fix: { en: '', es: '' } });
  return {
    httpStatus: item.httpStatus ?? 0,
    kbId: item.kbId ?? '',
    message: item.lastError ?? '',
    cause: { es: texts.cause.es, en: texts.cause.en },
    fix: { es: texts.fix.es, en: texts.fix.en },
  };
}

/**
 * Queues the write-back of a rejection into the ERP record (chatter), once per distinct rejection:
 * the same payload refused for the same reason is not written again on later runs.
 */
function queueRejectionWrite(ledger: Ledger, key: string): void {
  const item = ledger.get(key);
  if (item?.state !== 'rejected') return;
  const hash = sha256(['rejected', item.payloadHash, item.kbId]);
  if (ledger.writtenHash(key) === hash) return;
  const rejection = rejectionOf(item);
  const update: ClassificationWriteBack | SaleWriteBack =
    item.kind === 'classification'
      ? { debtorErpId: item.erpId, state: 'rejected', stateLabel: 'Solicitud rechazada por Cesce', grantedLimit: null, endorsementNo: null, rejection }
      : { documentErpId: item.erpId, state: 'rejected', saleCesceReferenceNo: null, rejection };
  ledger.recordWritePending(key, hash, update);
}

/** Prefers the classification that allows sales, then one in progress, then the latest request. */
export function pickClassification(found: Classification[]): Classification | null {
  if (found.length === 0) return null;
  const rank = (c: Classification) => (c.status.active ? 3 : c.status.state === 'in-progress' ? 2 : c.status.state === 'unknown' ? 1 : 0);
  return [...found].sort((a, b) => rank(b) - rank(a) || Number(b.requestNo ?? 0) - Number(a.requestNo ?? 0))[0]!;
}

/** Knowledge-base entries that concern the policy itself, hence every item of the run. */
/** Sales marked `sending` per durable ledger write, ahead of their calls. */
const SENDING_BATCH = 32;

const POLICY_LEVEL_ENTRIES = new Set(['cesce-400-policy-expired', 'cesce-400-contract-format', 'cesce-400-check-policy']);

/** Errors that concern the whole run rather than one item: the run stops (exit 1). */
export function isFatal(error: unknown): boolean {
  if (error instanceof CesceAuthError) return true;
  // No usable token means no call of the run can succeed.
  if (error instanceof CesceResponseError && error.operation === 'token') return true;
  if (!(error instanceof CesceApiError)) return false;
  return error.status === 401 || error.status === 403 || POLICY_LEVEL_ENTRIES.has(error.entry.id);
}

function describeError(error: unknown): string {
  if (error instanceof CesceConnectError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function saleInputOf(contractNo: string, p: PlannedSale, requestJson: string): SendingInput {
  return {
    contractNo,
    kind: p.doc.kind,
    erpId: p.doc.erpId,
    erpRef: p.doc.ref,
    debtorErpId: p.doc.debtorErpId,
    payloadHash: p.hash,
    requestJson,
    endorsementNo: p.input.endorsementNo,
    invoiceNo: p.input.invoiceNo,
    invoiceMonth: toInvoiceMonth(p.input.invoiceDate),
  };
}

/**
 * The main job: read the ERP, reconcile interrupted sends, request classifications for flagged
 * customers, declare invoices of classified customers and then the credit notes that correct
 * them, write results back into the ERP, and report. Holds the ledger's lock while it runs.
 */
export async function runSync(options: SyncOptions): Promise<SyncReport> {
  const dryRun = options.dryRun ?? false;
  if (!dryRun) options.ledger.acquireLock();
  try {
    return await execute(options);
  } catch (error) {
    // A run stopped by an error (ERP or Cesce unreachable, credentials) is recorded as such.
    if (!dryRun) {
      try {
        options.ledger.failRun(describeError(error));
      } catch {
        // the ledger itself may be what failed
      }
    }
    throw error;
  } finally {
    if (!dryRun) options.ledger.releaseLock();
  }
}

async function execute(options: SyncOptions): Promise<SyncReport> {
  const started = Date.now();
  const { source, client, ledger } = options;
  const dryRun = options.dryRun ?? false;
  const concurrency = options.concurrency ?? 4;
  const progress = options.onProgress ?? (() => {});
  const contractNo = client.contract.value;
  const before = client.requestCounts;

  ledger.checkTarget(contractNo, `${client.environment.name} ${client.environment.baseUrl}`);
  // Until a run has finished it on this ledger (new, lost, or first run interrupted), every run
  // first adopts the sales Cesce already holds instead of declaring them again.
  const checkAtCesce = !ledger.adoptionDone(contractNo) || (options.verifyAtCesce ?? false);
  const erp = await source.connect();
  const report: SyncReport = emptyReport({
    dryRun,
    contractNo,
    erp: { system: erp.system, version: erp.version, company: erp.company.name, url: erp.url },
    writeBackSupported: source.capabilities?.writeBack !== false,
  });
  const runId = dryRun ? null : ledger.startRun(false);
  const skip = (s: SkippedItem) => report.skipped.push(s);

  const recordFailure = (key: string, kind: ItemKind, erpRef: string, error: unknown): void => {
    // Credentials, subscriptions and the policy itself concern every item: stop the run. The row
    // stays `sending` and is reconciled by the next run.
    if (isFatal(error)) throw error;
    if (error instanceof CesceApiError && !error.retryable) {
      ledger.markRejected(key, error.status, error.entry.id, error.cesceMessage);
      queueRejectionWrite(ledger, key);
      report.rejected.push({
        kind,
        erpRef,
        httpStatus: error.status,
        kbId: error.entry.id,
        message: error.cesceMessage,
        cause: error.entry.cause.en,
        fix: error.entry.fix.en,
      });
      return;
    }
    // Network errors, timeouts, 429 and 5xx after the run's attempts: the outcome may be unknown,
    // so the next run reconciles this item against Cesce before anything is sent again.
    const status = error instanceof CesceApiError ? error.status : null;
    const kbId = error instanceof CesceApiError ? error.entry.id : null;
    ledger.markFailed(key, describeError(error), status, kbId);
    report.failed.push({ kind, erpRef, message: describeError(error), retryable: true });
  };

  // Per-domain pause (circuit breaker): after K failed calls in a row to one Cesce domain, the run
  // stops calling it and its remaining items wait for the next run; the other domain goes on.
  const breakerLimit = Math.max(1, options.maxConsecutiveFailures ?? 5);
  const breakers: Record<Domain, { failures: number; paused: PausedDomain | null }> = {
    classifications: { failures: 0, paused: null },
    sales: { failures: 0, paused: null },
  };
  const pausedReason = (domain: Domain): string | null => {
    const p = breakers[domain].paused;
    return p ? `not sent: ${p.message}` : null;
  };
  const domainFailed = (domain: Domain, error: unknown): void => {
    const b = breakers[domain];
    b.failures += 1;
    if (b.failures >= breakerLimit && !b.paused) {
      b.paused = {
        domain,
        failures: b.failures,
        lastError: describeError(error),
        message: `Cesce's ${domain} service failed ${b.failures} times in a row, so this run stopped calling it; the next run continues from here`,
      };
      report.paused.push(b.paused);
    }
  };
  const domainAnswered = (domain: Domain): void => {
    breakers[domain].failures = 0;
  };

  const policy = client.retryPolicy;
  const maxAttempts = Math.max(1, options.createAttempts ?? policy.limit + 1);

  /**
   * Sends one create with the run's retry policy, never risking a duplicate: a 429 (refused by the
   * gateway) is sent again after its Retry-After; a network error, timeout, unusable answer or 5xx
   * leaves the outcome unknown, so the item is looked up at Cesce first and sent again only if it is
   * not there. Business errors (4xx) come back at once. `resend` runs before each new attempt.
   */
  const sendCreate = async <T>(domain: Domain, create: () => Promise<T>, lookup: () => Promise<FoundAtCesce>, resend: () => void): Promise<CreateOutcome<T>> => {
    for (let attempt = 1; ; attempt++) {
      let error: unknown;
      try {
        const value = await create();
        domainAnswered(domain);
        return { kind: 'created', value };
      } catch (e) {
        error = e;
      }
      if (isFatal(error)) throw error;
      const failure = failureKind(error);
      if (failure === 'final') return { kind: 'error', error };
      if (failure === 'unknown') domainFailed(domain, error);
      if (attempt >= maxAttempts || breakers[domain].paused) return { kind: 'error', error };
      const wait = retryDelayMs(policy, attempt, retryAfterOf(error));
      if (wait === null) return { kind: 'error', error }; // Retry-After beyond the cap: the next run
      await sleep(wait);
      if (failure === 'unknown') {
        let found: FoundAtCesce;
        try {
          found = await lookup();
        } catch (lookupError) {
          if (isFatal(lookupError)) throw lookupError;
          if (failureKind(lookupError) === 'unknown') domainFailed(domain, lookupError);
          return { kind: 'error', error };
        }
        if (found.kind !== 'absent') {
          report.retries.foundAtCesce += 1;
          return found;
        }
        if (breakers[domain].paused) return { kind: 'error', error };
      }
      resend();
      report.retries.resent += 1;
    }
  };

  /**
   * Runs one item's Cesce calls with their exchanges recorded, then writes its outcome and those
   * exchanges to the ledger in one transaction (also when the run stops on a fatal error).
   */
  const withAudit = async <T>(key: string, calls: () => Promise<T>, settle: (result: T) => void): Promise<void> => {
    const exchanges: Exchange[] = [];
    let result: T;
    try {
      result = await recordExchanges((e) => exchanges.push(e), calls);
    } catch (error) {
      ledger.recordExchanges(key, exchanges);
      throw error;
    }
    ledger.transaction(() => {
      settle(result);
      ledger.recordExchanges(key, exchanges);
    });
  };

  const stillRejected = (item: LedgerItem): void => {
    const r = rejectionOf(item);
    const rejected: RejectedItem = { kind: item.kind, erpRef: item.erpRef, httpStatus: r.httpStatus, kbId: r.kbId, message: r.message, cause: r.cause.en, fix: r.fix.en };
    report.stillRejected.push(rejected);
  };

  const warned = new Set<string>();
  const warn = (w: WarningItem) => {
    const k = `${w.erpRef}|${w.field}|${w.message}`;
    if (!warned.has(k)) {
      warned.add(k);
      report.warnings.push(w);
    }
  };
  const warnIssues = (issues: { record: string; field: string; message: string; severity: string }[]) => {
    for (const i of issues) if (i.severity === 'warning') warn({ erpRef: i.record, field: i.field, message: i.message });
  };

  // Sends an earlier run left unsettled: their documents are read again even if unchanged.
  const unsettled = [...ledger.inState(contractNo, 'sending'), ...ledger.inState(contractNo, 'failed')].filter((i) => i.kind !== 'classification').map((i) => i.erpId);

  // 1. Reconcile what an interrupted or failed run may have sent.
  if (!dryRun) {
    await reconcile(options, report, { paused: (d) => breakers[d].paused !== null, failed: domainFailed, answered: domainAnswered });
  }
  // Rows still `sending` or `failed` now could not be checked at Cesce: never sent blindly.
  const unsettledReason = (item: LedgerItem | undefined): string | null =>
    !dryRun && (item?.state === 'sending' || item?.state === 'failed')
      ? 'an earlier send of it may have reached Cesce and could not be checked in this run (see Failed); the next run checks again before sending'
      : null;

  // 2. Read the ERP: customers in full; documents in full, or (incremental) those changed since the
  // last completed read plus those earlier runs left open.
  const debtors = new Map<string, Debtor>();
  for await (const d of source.debtors()) debtors.set(d.erpId, d);
  if (!dryRun) ledger.recordDebtors(contractNo, [...debtors.values()].map((d) => ({ erpId: d.erpId, name: d.name, taxCode: d.taxCode })));
  // Classifications only (the contract's sales are declared by the multi-worker mode): no document
  // is read, planned or declared, and no watermark is stored.
  const declareSales = options.declareSales !== false;
  const read: DocumentsRead = declareSales
    ? await readDocuments(options, contractNo, unsettled, (n) => progress({ phase: 'read', done: n, total: 0 }))
    : {
        documents: [],
        gone: [],
        scope: null,
        watermark: null,
        previous: null,
        future: [],
        summary: { mode: 'full', fullReason: 'classifications only: this contract\'s sales are declared by the multi-worker mode', changedSince: null, reopened: 0, stored: null },
      };
  report.mode = read.summary.mode;
  report.read = { ...read.summary, debtors: debtors.size, documents: read.documents.length };
  const documents = read.documents;
  if (debtors.size === 0 && documents.length > 0) {
    // Usually a connector or profile that reads customers from the wrong place.
    warn({ erpRef: 'customers', field: 'debtors', message: `the ERP returned no customers but ${documents.length} documents: every document will be skipped; check the connector's customer read (for a SOAP profile: customers.recordsPath)` });
  }
  for (const doc of read.future) {
    warn({
      erpRef: doc.ref,
      field: 'updatedAt',
      message: `is stamped ${doc.updatedAt}, in the future of this machine's clock: the incremental watermark ignores it (check the ERP server's clock, or the record's last-modified date)`,
    });
  }
  const incremental = read.summary.mode === 'incremental';
  if (!dryRun && read.scope) {
    ledger.recordRead(contractNo, read.scope, { read: documents.map((d) => d.erpId), gone: read.gone, full: !incremental, watermark: read.watermark, fromDate: options.fromDate ?? null });
    report.read.stored = read.watermark ?? read.previous;
  }
  documents.sort((a, b) => a.invoiceDate.localeCompare(b.invoiceDate) || a.number.localeCompare(b.number));

  const docsById = new Map(documents.map((d) => [d.erpId, d]));
  const duplicateOf = findDuplicateNumbers(documents, (d) => ledger.get(itemKey(contractNo, d.kind, d.erpId))?.state === 'declared');
  // Declared documents an incremental run (or fromDate) did not read still hold their numbers.
  // Loaded only when some document is not settled yet: a run with nothing new reads no declared rows.
  let declaredByNumberMap: Map<string, LedgerItem> | null = null;
  const declaredByNumber = (): Map<string, LedgerItem> => {
    if (!declaredByNumberMap) {
      declaredByNumberMap = new Map();
      for (const item of ledger.inState(contractNo, 'declared')) {
        if (item.kind !== 'classification' && item.invoiceNo) declaredByNumberMap.set(`${item.kind}|${item.debtorErpId}|${item.invoiceNo}`, item);
      }
    }
    return declaredByNumberMap;
  };

  // Documents already settled in the ledger are left alone.
  const mustCheck = new Set<string>();
  const pending: SaleDocument[] = [];
  // Only what the write-back needs (not the whole ledger row with its request body): one per declared document.
  const toWriteBack: WriteBackItem[] = [];
  const writeBackOf = (item: LedgerItem): WriteBackItem => ({ key: item.key, erpId: item.erpId, erpRef: item.erpRef, cesceRef: item.cesceRef });
  for (const doc of documents) {
    const item = ledger.get(itemKey(contractNo, doc.kind, doc.erpId));
    const hash = documentHash(doc, debtors.get(doc.debtorErpId));
    if (item?.state === 'declared') {
      report.alreadyDeclared += 1;
      if (!item.writtenBack && item.cesceRef) toWriteBack.push(writeBackOf(item));
      if (item.payloadHash !== hash) {
        warn({
          erpRef: doc.ref,
          field: 'document',
          message: `changed in the ERP after it was declared to Cesce (sale ${item.cesceRef ?? '?'}); Cesce keeps the declared data: correct the sale with Cesce`,
        });
      }
    } else if (item?.state === 'rejected' && item.payloadHash === hash && item.kbId !== CONFLICT_KB_ID) {
      stillRejected(item);
    } else if (unsettledReason(item)) {
      skip({ kind: doc.kind, erpRef: doc.ref, reason: unsettledReason(item)! });
    } else {
      // A conflict is looked up at Cesce again on every run until Cesce and the ERP agree.
      if (item?.kbId === CONFLICT_KB_ID) mustCheck.add(item.key);
      const holder = declaredByNumber().get(`${doc.kind}|${doc.debtorErpId}|${doc.number}`);
      const first = duplicateOf.get(doc.erpId)?.ref ?? (holder && holder.erpId !== doc.erpId ? holder.erpRef : undefined);
      if (first) {
        skip({ kind: doc.kind, erpRef: doc.ref, reason: `has the same number as ${first}; Cesce tells sales apart by number: renumber one of them`, field: 'number' });
        continue;
      }
      pending.push(doc);
      warnIssues(doc.issues);
    }
  }

  // Declared documents the ERP no longer shows as posted (cancelled, reset to draft, deleted):
  // Cesce still insures them, so say so. Only a full read can tell.
  for (const item of incremental || !declareSales ? [] : ledger.inState(contractNo, 'declared')) {
    if (item.kind === 'classification' || docsById.has(item.erpId)) continue;
    const body = JSON.parse(item.requestJson ?? '{}') as { invoiceDate?: string };
    const invoiceDate = body.invoiceDate ? fromCesceDate(body.invoiceDate) : null;
    if (options.fromDate && invoiceDate && invoiceDate < options.fromDate) continue; // not read in this run
    warn({
      erpRef: item.erpRef,
      field: 'state',
      message: `is no longer a posted document in the ERP (cancelled, reset to draft or deleted), but Cesce holds it as sale ${item.cesceRef ?? '?'}: cancel or correct the sale with Cesce`,
    });
  }

  // 3. Look up the Cesce classification of every debtor that matters in this run.
  const flagged = [...debtors.values()].filter((d) => d.requestedCreditLimit !== null);
  const flaggedIds = new Set(flagged.map((d) => d.erpId));
  const lookupIds = new Set<string>([...flaggedIds, ...pending.map((d) => d.debtorErpId)]);
  for (const id of lookupIds) warnIssues(debtors.get(id)?.issues ?? []);
  const lookups = [...lookupIds].map((id) => debtors.get(id)).filter((d): d is Debtor => !!d && !!d.taxCode && !!d.countryCode);
  const cesceState = new Map<string, Classification | null>();
  const lookupErrors = new Map<string, string>();
  let looked = 0;
  await forEachConcurrent(lookups, concurrency, async (d) => {
    const paused = breakers.classifications.paused;
    if (paused) {
      lookupErrors.set(d.erpId, `not made: ${paused.message}`);
      progress({ phase: 'look-up', done: ++looked, total: lookups.length });
      return;
    }
    try {
      cesceState.set(d.erpId, pickClassification(await client.classifications.query({ taxCode: d.taxCode!, countryCode: d.countryCode! })));
      domainAnswered('classifications');
    } catch (error) {
      if (isFatal(error) || error instanceof NetworkError) throw error;
      lookupErrors.set(d.erpId, describeError(error));
      if ((error instanceof CesceApiError && error.retryable) || error instanceof CesceResponseError) {
        report.failed.push({ kind: 'classification', erpRef: d.ref, message: `classification look-up failed: ${describeError(error)}`, retryable: true });
        domainFailed('classifications', error);
      }
    }
    progress({ phase: 'look-up', done: ++looked, total: lookups.length });
  });

  const outcome = (d: Debtor, c: Classification): ClassificationOutcome => ({
    erpRef: d.ref,
    taxCode: d.taxCode ?? '',
    state: c.status.state,
    stateLabel: c.status.label.en,
    grantedLimit: c.grantedLimit ? `${c.grantedLimit.amount} ${c.grantedLimit.currency}` : null,
    endorsementNo: c.endorsementNo,
    requestedInThisRun: false,
  });

  // 4. Classification requests, only for customers the user flagged (each may cost study fees).
  const toRequest: { debtor: Debtor; input: CreateClassificationInput; hash: string }[] = [];
  for (const d of flagged) {
    const issue = blockingIssue(d.issues);
    if (issue || !d.taxCode || !d.countryCode) {
      skip({ kind: 'classification', erpRef: d.ref, reason: `cannot request a classification: ${issue?.message ?? 'no usable tax id'}`, field: issue?.field ?? 'vat' });
      continue;
    }
    if (lookupErrors.has(d.erpId)) {
      skip({ kind: 'classification', erpRef: d.ref, reason: `classification look-up failed: ${lookupErrors.get(d.erpId)}` });
      continue;
    }
    const existing = cesceState.get(d.erpId) ?? null;
    if (existing) {
      report.classifications.push(outcome(d, existing));
      continue;
    }
    const input: CreateClassificationInput = {
      taxCode: d.taxCode,
      countryCode: d.countryCode,
      companyName: d.name,
      address: d.address,
      customerReference: d.customerReference,
      requestedLimit: d.requestedCreditLimit!,
      paymentTermDays: d.requestedPaymentTermDays,
    };
    const hash = sha256(toCreateClassificationRequest(input));
    const item = ledger.get(itemKey(contractNo, 'classification', d.erpId));
    if (item?.state === 'rejected' && item.payloadHash === hash) {
      stillRejected(item);
      continue;
    }
    const unchecked = unsettledReason(item);
    if (unchecked) {
      skip({ kind: 'classification', erpRef: d.ref, reason: unchecked });
      continue;
    }
    if (item?.state === 'declared' && item.payloadHash === hash) {
      // Requested in an earlier run but not found now: never pay study costs twice for one request.
      skip({ kind: 'classification', erpRef: d.ref, reason: `requested earlier (request ${item.cesceRef ?? '?'}) but Cesce no longer returns it; check it with Cesce` });
      continue;
    }
    toRequest.push({ debtor: d, input, hash });
  }

  let classified = 0;
  await forEachConcurrent(toRequest, concurrency, async ({ debtor, input, hash }) => {
    const paused = pausedReason('classifications');
    if (paused) {
      skip({ kind: 'classification', erpRef: debtor.ref, reason: paused });
      return;
    }
    report.classificationsRequested += 1;
    if (!dryRun) {
      const key = itemKey(contractNo, 'classification', debtor.erpId);
      const sending: SendingInput = {
        contractNo,
        kind: 'classification',
        erpId: debtor.erpId,
        erpRef: debtor.ref,
        debtorErpId: debtor.erpId,
        payloadHash: hash,
        requestJson: JSON.stringify(toCreateClassificationRequest(input)),
      };
      ledger.markSending(sending);
      const found = async (): Promise<FoundAtCesce> => {
        const c = pickClassification(await client.classifications.query({ taxCode: input.taxCode, countryCode: input.countryCode }));
        return c ? { kind: 'found', ref: c.requestNo, endorsementNo: c.endorsementNo, classification: c } : { kind: 'absent' };
      };
      await withAudit(
        key,
        () => sendCreate('classifications', () => client.classifications.create(input), found, () => ledger.markSending(sending)),
        (result) => {
          const c = result.kind === 'created' ? result.value : result.kind === 'found' ? result.classification : undefined;
          if (c) {
            ledger.markDeclared(key, c.requestNo, c.endorsementNo);
            cesceState.set(debtor.erpId, c);
            report.classifications.push({ ...outcome(debtor, c), requestedInThisRun: true });
          } else if (result.kind === 'error') recordFailure(key, 'classification', debtor.ref, result.error);
        },
      );
    }
    progress({ phase: 'classify', done: ++classified, total: toRequest.length });
  });
  // Invoices of customers whose request has no usable answer (yet) say so, rather than "no classification".
  const awaiting = new Map<string, string>();
  for (const { debtor } of toRequest) {
    if (dryRun) awaiting.set(debtor.erpId, 'waits for the classification this run would request (declared once Cesce classifies it)');
    else if (!cesceState.get(debtor.erpId)) awaiting.set(debtor.erpId, 'its classification request in this run was rejected or failed (see above)');
  }

  // What Cesce says of each customer is queued for write-back now, so that a run that dies later
  // still leaves it to the next run (which may have no reason to look the customer up again).
  const writePrefix = `classification:${contractNo}:`;
  if (!dryRun) {
    for (const [erpId, c] of cesceState) {
      if (!c || !debtors.has(erpId)) continue;
      const update: ClassificationWriteBack = {
        debtorErpId: erpId,
        state: c.status.state,
        stateLabel: c.status.label.es,
        grantedLimit: c.grantedLimit,
        endorsementNo: c.endorsementNo,
      };
      const hash = sha256(update);
      if (ledger.writtenHash(`${writePrefix}${erpId}`) !== hash) ledger.recordWritePending(`${writePrefix}${erpId}`, hash, update);
    }
  }

  // 5. Positive sales, only on customers with an active classification.
  const planned: PlannedSale[] = [];
  const creditNotes: SaleDocument[] = [];
  for (const doc of pending) {
    if (doc.kind === 'credit_note') {
      creditNotes.push(doc);
      continue;
    }
    const p = planSale(doc, debtors, cesceState, lookupErrors, awaiting, skip);
    if (p) planned.push(p);
  }

  // Invoices declared in this run; earlier ones are looked up in the ledger by key when a credit
  // note needs its origin (no load of every declared row).
  const declaredNumbers = new Map<string, { invoiceNo: string; endorsementNo: string }>();
  const declaredNumberOf = (erpId: string): { invoiceNo: string; endorsementNo: string } | undefined => {
    const known = declaredNumbers.get(erpId);
    if (known) return known;
    const item = ledger.get(itemKey(contractNo, 'invoice', erpId));
    return item?.state === 'declared' && item.invoiceNo && item.endorsementNo ? { invoiceNo: item.invoiceNo, endorsementNo: item.endorsementNo } : undefined;
  };

  // Before declaring, documents are looked up at Cesce when the ledger may not know what Cesce
  // holds (new ledger, --verify-at-cesce) and for conflicts of earlier runs: the same sale is
  // recorded, not declared again; a different one under the number is a conflict, held back.
  const atCesce = new Map<string, Map<string, Sale>>();
  const adopt = async (list: PlannedSale[]): Promise<PlannedSale[]> => {
    const toCheck = list.filter((p) => checkAtCesce || mustCheck.has(itemKey(contractNo, p.doc.kind, p.doc.erpId)));
    if (toCheck.length === 0) return list;
    // By suplemento across all months, so a document whose date moved is still found.
    const groups = [...new Set(toCheck.map((p) => p.input.endorsementNo))].filter((g) => !atCesce.has(g));
    let done = 0;
    await forEachConcurrent(groups, concurrency, async (endorsementNo) => {
      const found = new Map<string, Sale>();
      for await (const sale of client.sales.list({ endorsementNo, pageSize: 500 })) {
        found.set(`${sale.invoiceNo}|${sale.amount.amount.startsWith('-') ? 'credit' : 'sale'}`, sale);
      }
      atCesce.set(endorsementNo, found);
      progress({ phase: 'adopt', done: ++done, total: groups.length });
    });
    const checked = new Set(toCheck);
    return list.filter((p) => {
      if (!checked.has(p)) return true;
      const held = atCesce.get(p.input.endorsementNo)?.get(`${p.input.invoiceNo}|${p.doc.kind === 'credit_note' ? 'credit' : 'sale'}`);
      if (!held) return true;
      const sending = saleInputOf(contractNo, p, JSON.stringify(toCreateSaleRequest(p.input)));
      const differences = [
        sameAmount(held.amount.amount, p.input.amount.amount) && held.amount.currency === p.input.amount.currency
          ? null
          : `amount ${held.amount.amount} ${held.amount.currency} at Cesce, ${p.input.amount.amount} ${p.input.amount.currency} in the ERP`,
        held.invoiceDate === p.input.invoiceDate ? null : `invoice date ${held.invoiceDate} at Cesce, ${p.input.invoiceDate} in the ERP`,
        held.dueDate === p.input.dueDate ? null : `due date ${held.dueDate} at Cesce, ${p.input.dueDate} in the ERP`,
      ].filter((d): d is string => d !== null);
      if (differences.length > 0) {
        const message = `Cesce already holds sale ${held.saleCesceReferenceNo} for ${p.input.invoiceNo} with other data (${differences.join('; ')}): correct the ERP or have the sale corrected at Cesce; it is checked again on every run`;
        report.conflicts.push({ kind: p.doc.kind, erpRef: p.doc.ref, message });
        if (!dryRun) {
          ledger.recordConflict(sending, message);
          queueRejectionWrite(ledger, itemKey(contractNo, p.doc.kind, p.doc.erpId));
        }
        return false;
      }
      report.adopted += 1;
      if (p.doc.kind === 'invoice') declaredNumbers.set(p.doc.erpId, { invoiceNo: p.input.invoiceNo, endorsementNo: p.input.endorsementNo });
      if (!dryRun) {
        ledger.recordAdopted(sending, held.saleCesceReferenceNo);
        const item = ledger.get(itemKey(contractNo, p.doc.kind, p.doc.erpId));
        if (item) toWriteBack.push(writeBackOf(item));
      }
      return false;
    });
  };

  /**
   * Marks a list's sales `sending` ahead of their calls, SENDING_BATCH at a time in one durable
   * write (one disk flush per batch instead of one per sale). A sale marked but not sent (its domain
   * paused meanwhile) is unmarked when it had no earlier row; otherwise the next run looks it up at
   * Cesce like any other unsettled item.
   */
  const premark = (list: PlannedSale[]) => {
    const inputs = list.map((p) => saleInputOf(contractNo, p, JSON.stringify(toCreateSaleRequest(p.input))));
    const fresh = new Set<number>();
    let marked = 0;
    return {
      input: (i: number): SendingInput => inputs[i]!,
      ensure(i: number): void {
        if (i < marked) return;
        const end = Math.min(inputs.length, Math.max(i + 1, marked + SENDING_BATCH));
        const batch = inputs.slice(marked, end);
        batch.forEach((input, j) => {
          if (!ledger.get(itemKey(contractNo, input.kind, input.erpId))) fresh.add(marked + j);
        });
        ledger.markSendingMany(batch);
        marked = end;
      },
      unsent(i: number): void {
        if (i < marked && fresh.has(i)) ledger.forget(itemKey(contractNo, inputs[i]!.kind, inputs[i]!.erpId));
      },
    };
  };

  const declare = async (p: PlannedSale, phase: SyncPhase, done: () => number, total: number, index: number, marks: ReturnType<typeof premark>) => {
    const kind = p.doc.kind;
    const paused = pausedReason('sales');
    if (paused) {
      if (!dryRun) marks.unsent(index);
      skip({ kind, erpRef: p.doc.ref, reason: paused });
      return;
    }
    if (dryRun) {
      if (kind === 'invoice') {
        report.salesDeclared += 1;
        declaredNumbers.set(p.doc.erpId, { invoiceNo: p.input.invoiceNo, endorsementNo: p.input.endorsementNo });
      } else report.creditNotesDeclared += 1;
      progress({ phase, done: done(), total });
      return;
    }
    const key = itemKey(contractNo, kind, p.doc.erpId);
    const sending = marks.input(index);
    marks.ensure(index);
    const lookup = () =>
      findSale(client, {
        endorsementNo: p.input.endorsementNo,
        invoiceMonth: toInvoiceMonth(p.input.invoiceDate),
        invoiceNo: p.input.invoiceNo,
        creditNote: kind === 'credit_note',
        amount: p.input.amount.amount,
      });
    await withAudit(
      key,
      () => sendCreate('sales', () => client.sales.declare(p.input), lookup, () => ledger.markSending(sending)),
      (result) => {
        if (result.kind === 'error') {
          recordFailure(key, kind, p.doc.ref, result.error);
          return;
        }
        if (result.kind === 'conflict') {
          ledger.markRejected(key, 0, CONFLICT_KB_ID, result.message);
          queueRejectionWrite(ledger, key);
          report.conflicts.push({ kind, erpRef: p.doc.ref, message: result.message });
          return;
        }
        ledger.markDeclared(key, result.kind === 'created' ? result.value.saleCesceReferenceNo : result.ref);
        if (kind === 'invoice') {
          report.salesDeclared += 1;
          declaredNumbers.set(p.doc.erpId, { invoiceNo: p.input.invoiceNo, endorsementNo: p.input.endorsementNo });
        } else report.creditNotesDeclared += 1;
        const item = ledger.get(key);
        if (item) toWriteBack.push(writeBackOf(item));
      },
    );
    progress({ phase, done: done(), total });
  };

  const toDeclare = await adopt(planned);
  let declaredCount = 0;
  const invoiceMarks = premark(dryRun ? [] : toDeclare);
  await forEachConcurrent(toDeclare, concurrency, (p, i) => declare(p, 'declare', () => ++declaredCount, toDeclare.length, i, invoiceMarks));

  // 6. Credit notes, each only after the invoice it corrects has been declared, on the same
  // customer, and never crediting more than the invoice. Origins and earlier credits come from the
  // ledger too, so documents before sync.fromDate still count.
  const declaredInvoice = (erpId: string): { number: string; debtorErpId: string | null; total: Money; invoiceDate: string | null } | undefined => {
    const item = ledger.get(itemKey(contractNo, 'invoice', erpId));
    if (item?.state !== 'declared') return undefined;
    const body = JSON.parse(item.requestJson ?? '{}') as { amount?: string; currencyCode?: string; invoiceDate?: string };
    if (!body.amount || !body.currencyCode) return undefined;
    return {
      number: item.invoiceNo ?? '',
      debtorErpId: item.debtorErpId,
      total: { currency: body.currencyCode, amount: abs(fromCesceDecimal(body.amount)) },
      invoiceDate: body.invoiceDate ? fromCesceDate(body.invoiceDate) : null,
    };
  };
  const credited = new Map<string, string>(); // `${endorsementNo}|${invoiceNo}` → amount credited so far
  if (creditNotes.length > 0) {
    for (const item of ledger.inState(contractNo, 'declared', 'credit_note')) {
      const body = JSON.parse(item.requestJson ?? '{}') as { amount?: string; originalInvoiceNo?: string };
      if (!body.amount || !body.originalInvoiceNo) continue;
      const key = `${item.endorsementNo}|${body.originalInvoiceNo}`;
      credited.set(key, addDecimal(credited.get(key) ?? '0', abs(fromCesceDecimal(body.amount))));
    }
  }
  const plannedNotes: PlannedSale[] = [];
  for (const doc of creditNotes) {
    const issue = blockingIssue(doc.issues) ?? documentProblem(doc);
    if (issue) {
      skip({ kind: 'credit_note', erpRef: doc.ref, reason: issue.message, field: issue.field });
      continue;
    }
    if (!doc.originErpId) {
      skip({ kind: 'credit_note', erpRef: doc.ref, reason: 'credit note has no origin invoice', field: 'reversed_entry_id' });
      continue;
    }
    const originId = doc.originErpId;
    const fromErp = docsById.get(originId);
    const originDoc =
      fromErp?.kind === 'invoice'
        ? { number: fromErp.number, debtorErpId: fromErp.debtorErpId, total: fromErp.total, invoiceDate: fromErp.invoiceDate }
        : declaredInvoice(originId);
    const originName = doc.originNumber && doc.originNumber !== '/' ? doc.originNumber : `account.move,${originId}`;
    if (!originDoc) {
      skip({ kind: 'credit_note', erpRef: doc.ref, reason: `its origin ${originName} is not a posted customer invoice of this company`, field: 'reversed_entry_id' });
      continue;
    }
    if (originDoc.invoiceDate && doc.invoiceDate < originDoc.invoiceDate) {
      skip({
        kind: 'credit_note',
        erpRef: doc.ref,
        reason: `is dated ${doc.invoiceDate}, before its invoice ${originDoc.number} (${originDoc.invoiceDate}): a credit note follows the sale it corrects; correct its date`,
        field: 'invoiceDate',
      });
      continue;
    }
    if (originDoc.debtorErpId !== null && originDoc.debtorErpId !== doc.debtorErpId) {
      const owner = debtors.get(originDoc.debtorErpId)?.ref ?? `customer ${originDoc.debtorErpId}`;
      skip({ kind: 'credit_note', erpRef: doc.ref, reason: `its origin invoice ${originDoc.number} belongs to another customer (${owner})`, field: 'reversed_entry_id' });
      continue;
    }
    const origin = declaredNumberOf(originId);
    if (!origin) {
      const originItem = ledger.get(itemKey(contractNo, 'invoice', originId));
      const why = originItem?.state === 'rejected' ? 'was rejected by Cesce' : originItem?.state === 'failed' ? 'failed to send' : 'is not declared';
      skip({
        kind: 'credit_note',
        erpRef: doc.ref,
        reason: `waits for its invoice ${originDoc.number}, which ${why} (positive sales go first)`,
        field: 'reversed_entry_id',
      });
      continue;
    }
    if (originDoc.total.currency !== doc.total.currency) {
      skip({ kind: 'credit_note', erpRef: doc.ref, reason: `is in ${doc.total.currency} but its invoice ${originDoc.number} is in ${originDoc.total.currency}`, field: 'currency' });
      continue;
    }
    const creditKey = `${origin.endorsementNo}|${origin.invoiceNo}`;
    const total = addDecimal(credited.get(creditKey) ?? '0', doc.total.amount);
    if (compareDecimal(total, originDoc.total.amount) > 0) {
      skip({
        kind: 'credit_note',
        erpRef: doc.ref,
        reason: `would credit ${total} ${doc.total.currency} in all, more than its invoice ${originDoc.number} (${originDoc.total.amount})`,
        field: 'total',
      });
      continue;
    }
    credited.set(creditKey, total);
    const debtor = debtors.get(doc.debtorErpId);
    plannedNotes.push({
      doc,
      debtor,
      hash: documentHash(doc, debtor),
      input: creditNoteInput(doc, debtor, origin),
    });
  }
  const notesToDeclare = await adopt(plannedNotes);
  let notesDone = 0;
  const noteMarks = premark(dryRun ? [] : notesToDeclare);
  await forEachConcurrent(notesToDeclare, concurrency, (p, i) => declare(p, 'credit-notes', () => ++notesDone, notesToDeclare.length, i, noteMarks));

  // 7. Write back: classification state (or the rejected request) on customers, Cesce's rejections
  // and sale references on documents; each queued above or left by an earlier run whose write failed.
  // A source that cannot write back (capabilities.writeBack false) settles each write without a call.
  const writesBack = source.capabilities?.writeBack !== false;
  const count = writesBack ? 1 : 0;
  // When the ERP stops answering, stop writing after a few failures in a row instead of waiting out
  // a timeout per record: everything left stays queued for the next run.
  const maxErpFailures = 3;
  let erpFailures = 0;
  let erpDown = false;
  const write = async (erpRef: string, action: () => Promise<void>, done: () => void): Promise<void> => {
    if (erpDown) return;
    try {
      if (writesBack) await action();
      done();
      erpFailures = 0;
    } catch (error) {
      report.writeBack.errors.push({ erpRef, message: describeError(error) });
      const unreachable = error instanceof ErpError && (error.kind === 'transport' || error.kind === 'timeout');
      erpFailures = unreachable ? erpFailures + 1 : 0;
      if (erpFailures >= maxErpFailures) {
        erpDown = true;
        report.writeBack.errors.push({
          erpRef: 'write-back',
          message: `stopped after ${maxErpFailures} failures in a row reaching the ERP; what is left stays queued and is written by the next run`,
        });
      }
    }
  };
  if (!dryRun) {
    for (const { key, hash, update } of ledger.pendingWrites(writePrefix)) {
      const u = update as ClassificationWriteBack;
      await write(debtors.get(u.debtorErpId)?.ref ?? `customer ${u.debtorErpId}`, () => source.writeClassification(u), () => {
        ledger.recordWritten(key, hash);
        report.writeBack.partners += count;
      });
    }
    // Rejections of sales, queued when Cesce refused them (this run or an earlier one whose write failed).
    for (const { key, hash, update } of ledger.pendingWrites(`sale:${contractNo}:`)) {
      const u = update as SaleWriteBack;
      const item = ledger.get(key);
      if (item?.state !== 'rejected') {
        ledger.dropWrite(key); // declared since: the declaration is written instead
        continue;
      }
      await write(item.erpRef, () => source.writeSale(u), () => {
        ledger.recordWritten(key, hash);
        report.writeBack.invoices += count;
      });
    }
    // Sale references, `concurrency` ERP calls at a time (one call per document: each has its own).
    let written = 0;
    await forEachConcurrent(toWriteBack, concurrency, async (item) => {
      await write(item.erpRef, () => source.writeSale({ documentErpId: item.erpId, state: 'declared', saleCesceReferenceNo: item.cesceRef! }), () => {
        ledger.markWrittenBack(item.key);
        report.writeBack.invoices += count;
      });
      progress({ phase: 'write-back', done: ++written, total: toWriteBack.length });
    });
  }

  if (!dryRun && read.scope) ledger.settle(contractNo, read.scope, ...openState(documents, report, (d) => ledger.get(itemKey(contractNo, d.kind, d.erpId))));
  // Nothing was looked up at Cesce when no sale was planned: a later run that declares must still adopt.
  if (!dryRun && checkAtCesce && declareSales) ledger.markAdoptionDone(contractNo);
  const after = client.requestCounts;
  report.requests = { cesce: after.api - before.api, token: after.token - before.token };
  report.durationMs = Date.now() - started;
  if (runId !== null) ledger.finishRun(runId, { ...report, skipped: report.skipped.length });
  return report;
}

interface DocumentsRead {
  documents: SaleDocument[];
  /** Open documents asked for by id that the ERP no longer returns. */
  gone: string[];
  /** The source's scope when it reads incrementally; null: no watermark is kept. */
  scope: string | null;
  /** The greatest position read by change order in this run (null: nothing new). */
  watermark: ChangeWatermark | null;
  /** The watermark stored by an earlier run. */
  previous: ChangeWatermark | null;
  /** Documents stamped in the future of this machine's clock: they do not move the watermark. */
  future: SaleDocument[];
  summary: ReadSummary;
}

/** How far an ERP's change stamps may run ahead of this machine's clock before they are distrusted. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

/** Milliseconds of an ERP change stamp (`YYYY-MM-DD HH:MM:SS`, UTC when it names no zone), or null. */
function stampMs(stamp: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(stamp.trim());
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Reads the documents of a run. Incremental when the source can (`capabilities.incremental`,
 * `scope`, `documentsByIds`), a watermark is stored for its scope with the same `fromDate`, and no
 * full read is asked: then the documents changed since the watermark, the documents earlier runs
 * left open, and the origin invoices of credit notes that are neither.
 */
async function readDocuments(options: SyncOptions, contractNo: string, unsettled: readonly string[], onRead: (n: number) => void): Promise<DocumentsRead> {
  const { source, ledger } = options;
  const caps = source.capabilities;
  const byIds = caps?.incremental && source.documentsByIds ? source.documentsByIds.bind(source) : undefined;
  const scope = byIds && caps?.scope ? caps.scope : null;
  const fromDate = options.fromDate ?? null;
  const stored = scope ? ledger.watermark(contractNo, scope) : undefined;
  const previous = stored ? { updatedAt: stored.updatedAt, erpId: stored.erpId } : null;
  const fullReason = !scope
    ? caps?.incremental
      ? 'the ERP connector names no scope or cannot read by id'
      : 'the ERP connector reads only in full'
    : options.full
      ? 'asked with --full'
      : !stored
        ? 'first run on this ERP database'
        : stored.fromDate !== fromDate
          ? 'sync.fromDate changed since the last run'
          : null;
  const changedSince = fullReason === null ? previous : null;
  const inRange = (d: SaleDocument) => !options.fromDate || d.invoiceDate >= options.fromDate;

  const read = new Map<string, SaleDocument>();
  let watermark: ChangeWatermark | null = null;
  // A stamp in the future (a skewed server clock, an import) must not become the watermark: every
  // later run would read only changes after it and miss everything new until then.
  const latest = Date.now() + FUTURE_TOLERANCE_MS;
  const future: SaleDocument[] = [];
  for await (const doc of source.documents({ fromDate: options.fromDate, ...(changedSince ? { changedSince } : {}) })) {
    const ms = doc.updatedAt === null ? null : stampMs(doc.updatedAt);
    if (ms !== null && ms > latest) future.push(doc);
    else if (doc.updatedAt !== null) {
      const at = { updatedAt: doc.updatedAt, erpId: doc.erpId };
      if (!watermark || compareWatermarks(at, watermark) > 0) watermark = at;
    }
    if (inRange(doc)) read.set(doc.erpId, doc);
    onRead(read.size);
  }
  // The overlap the source re-reads never moves the watermark back.
  if (changedSince && watermark && compareWatermarks(watermark, changedSince) <= 0) watermark = null;

  const gone: string[] = [];
  let reopened = 0;
  if (changedSince && byIds) {
    const open = new Set([...ledger.openDocuments(contractNo, scope!).map((o) => o.erpId), ...unsettled].filter((id) => !read.has(id)));
    const found = new Set<string>();
    if (open.size > 0) {
      for await (const doc of byIds([...open])) {
        if (!open.has(doc.erpId) || !inRange(doc)) continue;
        read.set(doc.erpId, doc);
        found.add(doc.erpId);
        onRead(read.size);
      }
    }
    reopened = found.size;
    for (const id of open) if (!found.has(id)) gone.push(id);
    // A credit note needs its origin invoice's data unless the ledger has it (declared).
    const declared = (erpId: string) => ledger.get(itemKey(contractNo, 'invoice', erpId))?.state === 'declared';
    const origins = new Set(
      [...read.values()].flatMap((d) => (d.kind === 'credit_note' && d.originErpId && !read.has(d.originErpId) && !declared(d.originErpId) ? [d.originErpId] : [])),
    );
    if (origins.size > 0) {
      for await (const doc of byIds([...origins])) if (origins.has(doc.erpId) && doc.kind === 'invoice' && inRange(doc)) read.set(doc.erpId, doc);
    }
  }
  return {
    documents: [...read.values()],
    gone,
    scope,
    watermark,
    previous,
    future,
    summary: { mode: changedSince ? 'incremental' : 'full', fullReason, changedSince, reopened, stored: null },
  };
}

/**
 * Which documents read in this run are settled (declared and written back into the ERP) and why
 * the others stay open, so incremental runs read them again until they are.
 */
function openState(documents: SaleDocument[], report: SyncReport, get: (doc: SaleDocument) => LedgerItem | undefined): [string[], Map<string, string>] {
  const why = new Map<string, string>();
  for (const s of report.skipped) why.set(s.erpRef, `skipped: ${s.reason}`);
  for (const r of [...report.rejected, ...report.stillRejected]) why.set(r.erpRef, `rejected by Cesce [${r.kbId}]`);
  for (const f of report.failed) why.set(f.erpRef, `failed: ${f.message}`);
  for (const c of report.conflicts) why.set(c.erpRef, 'conflict with Cesce');
  const settled: string[] = [];
  const open = new Map<string, string>();
  for (const doc of documents) {
    const item = get(doc);
    if (item?.state === 'declared' && item.writtenBack) settled.push(doc.erpId);
    else open.set(doc.erpId, why.get(doc.ref) ?? (item?.state === 'declared' ? 'declared, not written back into the ERP yet' : (item?.state ?? 'not declared')));
  }
  return [settled, open];
}

function planSale(
  doc: SaleDocument,
  debtors: Map<string, Debtor>,
  cesceState: Map<string, Classification | null>,
  lookupErrors: Map<string, string>,
  awaiting: Map<string, string>,
  skip: (s: SkippedItem) => void,
): PlannedSale | null {
  const issue = blockingIssue(doc.issues) ?? documentProblem(doc);
  if (issue) {
    skip({ kind: 'invoice', erpRef: doc.ref, reason: issue.message, field: issue.field });
    return null;
  }
  const debtor = debtors.get(doc.debtorErpId);
  if (!debtor) {
    skip({ kind: 'invoice', erpRef: doc.ref, reason: `its customer (id ${doc.debtorErpId}) was not found among the company's customers`, field: 'commercial_partner_id' });
    return null;
  }
  const debtorIssue = blockingIssue(debtor.issues);
  if (debtorIssue || !debtor.taxCode) {
    skip({ kind: 'invoice', erpRef: doc.ref, reason: `customer ${debtor.ref}: ${debtorIssue?.message ?? 'no usable tax id'}`, field: debtorIssue?.field ?? 'vat' });
    return null;
  }
  if (lookupErrors.has(debtor.erpId)) {
    skip({ kind: 'invoice', erpRef: doc.ref, reason: `classification look-up for ${debtor.ref} failed: ${lookupErrors.get(debtor.erpId)}` });
    return null;
  }
  const waits = awaiting.get(debtor.erpId);
  if (waits) {
    skip({ kind: 'invoice', erpRef: doc.ref, reason: `customer ${debtor.ref}: ${waits}` });
    return null;
  }
  const c = cesceState.get(debtor.erpId) ?? null;
  if (!c) {
    skip({
      kind: 'invoice',
      erpRef: doc.ref,
      reason: `customer ${debtor.ref} has no Cesce classification (set a requested limit on the customer to request one)`,
    });
    return null;
  }
  if (!c.status.active || !c.endorsementNo) {
    skip({ kind: 'invoice', erpRef: doc.ref, reason: `customer ${debtor.ref} classification is ${c.status.label.en} (status ${c.status.code}): no cover to declare on` });
    return null;
  }
  if (!doc.dueDate) {
    skip({ kind: 'invoice', erpRef: doc.ref, reason: 'has no due date', field: 'invoice_date_due' });
    return null;
  }
  if (doc.dueDate === doc.invoiceDate) {
    skip({ kind: 'invoice', erpRef: doc.ref, reason: 'cash sale (due on the invoice date): not a sale on credit', field: 'invoice_date_due' });
    return null;
  }
  return {
    doc,
    debtor,
    hash: documentHash(doc, debtor),
    input: invoiceInput({ ...doc, dueDate: doc.dueDate }, debtor, c.endorsementNo),
  };
}

/**
 * Items left `sending` (the process died mid-call) or `failed` (timeout, 5xx: outcome unknown)
 * are looked up at Cesce first: found → declared with Cesce's reference; not found → forgotten,
 * so this run plans them again. Nothing is re-sent blindly.
 */
async function reconcile(options: SyncOptions, report: SyncReport, breaker: ReconcileBreaker): Promise<void> {
  const { client, ledger } = options;
  const contractNo = client.contract.value;
  const open = [...ledger.inState(contractNo, 'sending'), ...ledger.inState(contractNo, 'failed')];
  if (open.length === 0) return;
  const listed: SalesCache = new Map();
  let done = 0;
  // Looks one item up at Cesce; returns the ledger change to make.
  const check = async (item: LedgerItem): Promise<() => void> => {
    if (item.kind === 'classification') {
      const body = JSON.parse(item.requestJson ?? '{}') as { taxCode?: string; countryCode?: string };
      const found = body.taxCode ? await client.classifications.query({ taxCode: body.taxCode, countryCode: body.countryCode }) : [];
      const c = pickClassification(found);
      return c
        ? () => {
            ledger.markDeclared(item.key, c.requestNo, c.endorsementNo);
            report.reconciled.confirmed += 1;
          }
        : () => {
            ledger.forget(item.key);
            report.reconciled.resent += 1;
          };
    }
    const sent = (JSON.parse(item.requestJson ?? '{}') as { amount?: string }).amount;
    const found = await findSale(
      client,
      {
        endorsementNo: item.endorsementNo ?? undefined,
        invoiceMonth: item.invoiceMonth ?? undefined,
        invoiceNo: item.invoiceNo ?? '',
        creditNote: item.kind === 'credit_note',
        amount: sent ? fromCesceDecimal(sent) : undefined,
      },
      listed,
    );
    if (found.kind === 'conflict') {
      return () => {
        ledger.markRejected(item.key, 0, CONFLICT_KB_ID, found.message);
        queueRejectionWrite(ledger, item.key);
        report.conflicts.push({ kind: item.kind as 'invoice' | 'credit_note', erpRef: item.erpRef, message: found.message });
      };
    }
    if (found.kind === 'found') {
      return () => {
        ledger.markDeclared(item.key, found.ref);
        report.reconciled.confirmed += 1;
      };
    }
    return () => {
      ledger.forget(item.key);
      report.reconciled.resent += 1;
    };
  };
  for (const item of open) {
    const domain: Domain = item.kind === 'classification' ? 'classifications' : 'sales';
    // A domain paused meanwhile: its items stay as they are, for the next run.
    if (!breaker.paused(domain)) {
      const exchanges: Exchange[] = [];
      try {
        const apply = await recordExchanges((e) => exchanges.push(e), () => check(item));
        breaker.answered(domain);
        ledger.transaction(() => {
          apply();
          ledger.recordExchanges(item.key, exchanges);
        });
      } catch (error) {
        ledger.recordExchanges(item.key, exchanges);
        // Cesce unreachable, or credentials refused: the run stops as before any send.
        if (isFatal(error) || error instanceof NetworkError) throw error;
        // 5xx or an unusable answer: the item stays unsettled, is not sent in this run, and is
        // checked again by the next one.
        breaker.failed(domain, error);
        report.failed.push({
          kind: item.kind,
          erpRef: item.erpRef,
          message: `could not check at Cesce whether an earlier send arrived: ${describeError(error)}`,
          retryable: true,
        });
      }
    }
    options.onProgress?.({ phase: 'reconcile', done: ++done, total: open.length });
  }
}

interface ReconcileBreaker {
  paused(domain: Domain): boolean;
  failed(domain: Domain, error: unknown): void;
  answered(domain: Domain): void;
}

export type SalesCache = Map<string, { invoiceNo: string; amount: string; ref: string }[]>;

/**
 * Looks a sale up at Cesce by suplemento and invoice month, matching its number and sign (a credit
 * note is negative): found with Cesce's reference, a conflict when Cesce holds the number with
 * another amount (never send it again blindly), or absent. `cache` shares the lists of one run's
 * reconciliation; in-run checks after a lost answer always ask Cesce afresh.
 */
export async function findSale(
  client: CesceClient,
  sale: { endorsementNo: string | undefined; invoiceMonth: string | undefined; invoiceNo: string; creditNote: boolean; amount: string | undefined },
  cache?: SalesCache,
): Promise<FoundAtCesce> {
  const cacheKey = `${sale.endorsementNo}|${sale.invoiceMonth}`;
  let sales = cache?.get(cacheKey);
  if (!sales) {
    sales = [];
    for await (const s of client.sales.list({ endorsementNo: sale.endorsementNo, invoiceMonth: sale.invoiceMonth, pageSize: 500 })) {
      sales.push({ invoiceNo: s.invoiceNo, amount: s.amount.amount, ref: s.saleCesceReferenceNo });
    }
    cache?.set(cacheKey, sales);
  }
  const match = sales.find((s) => s.invoiceNo === sale.invoiceNo && s.amount.startsWith('-') === sale.creditNote);
  if (!match) return { kind: 'absent' };
  if (sale.amount !== undefined && !sameAmount(match.amount, sale.amount)) {
    return {
      kind: 'conflict',
      message: `Cesce holds sale ${match.ref} for ${sale.invoiceNo} with amount ${match.amount}, but ${sale.amount} was sent: check it with Cesce`,
    };
  }
  return { kind: 'found', ref: match.ref };
}
