import { createHash } from 'node:crypto';
import {
  CesceApiError,
  addDecimal,
  compareDecimal,
  toInvoiceMonth,
  type CesceClient,
  type Classification,
  type DeclareSaleInput,
  type Debtor,
  type ErpSource,
  type SaleDocument,
} from '@cesce-connect/core';
import { blockingIssue, CONFLICT_KB_ID, creditNoteInput, documentProblem, forEachConcurrent, invoiceInput, isFatal, itemKey, pickClassification } from '@cesce-connect/sync';
import type { Pool, PoolClient } from 'pg';
import { DECLARE_TASK, inTransaction, MAX_JOB_ATTEMPTS, migrate, SCHEMA } from './schema.js';
import { migrateQueue } from './queue.js';

/** A document the planner did not queue, and why (record and field named). */
export interface PlanSkip {
  kind: 'invoice' | 'credit_note';
  erpRef: string;
  reason: string;
  field?: string | undefined;
}

export interface PlanReport {
  contractNo: string;
  erp: { system: string; version: string; company: string; url: string };
  read: { debtors: number; documents: number };
  /** Items added to the shared ledger and queued in this run. */
  queued: { invoices: number; creditNotes: number };
  /**
   * New documents Cesce already holds (declared by cesce sync, in the portal, by an earlier ledger):
   * recorded as declared with Cesce's reference, not queued.
   */
  foundAtCesce: number;
  /** New documents Cesce holds under the same number with another amount: recorded, never sent. */
  conflicts: { erpRef: string; message: string }[];
  /** Documents already in the shared ledger (queued, declared, ... by an earlier plan). */
  alreadyPlanned: number;
  /** Items of earlier plans queued again: failed for good, or credit notes that waited for their invoice. */
  requeued: number;
  /**
   * Items of earlier plans not sent yet (queued, waiting) or refused by Cesce (rejected) whose
   * document changed in the ERP since: their request is rebuilt from the ERP and they are queued
   * (again), as `cesce sync` sends what the ERP holds. (Changed after being sent: listed in `skipped`.)
   */
  refreshed: number;
  /** Every document not queued, with its reason (the first `MAX_SKIPS_LISTED`; `skippedCount` counts all). */
  skipped: PlanSkip[];
  skippedCount: number;
  /** Sales lists read at Cesce to find new documents it already holds (one per suplemento and invoice month). */
  cesceLists: number;
  /** Classification look-ups at Cesce (one per customer with documents). */
  lookups: number;
  requests: { cesce: number; token: number };
  durationMs: number;
}

export interface PlanOptions {
  pool: Pool;
  source: ErpSource;
  client: CesceClient;
  /** Only documents dated on or after this `YYYY-MM-DD`. */
  fromDate?: string | undefined;
  /** Documents written to PostgreSQL per transaction (default 500). */
  batchSize?: number | undefined;
  /** Cesce classification look-ups in flight at once (default 4). */
  concurrency?: number | undefined;
  onProgress?: ((read: number) => void) | undefined;
}

/** Skips listed in a report; the rest are counted (a backlog may hold many thousands). */
export const MAX_SKIPS_LISTED = 1000;

/** Another planner holds the contract. */
export class PlanBusyError extends Error {
  constructor(contractNo: string) {
    super(`another 'cesce worker plan' is planning contract ${contractNo} right now; run it again when that one has finished (workers can run meanwhile)`);
    this.name = 'PlanBusyError';
  }
}

/** The task a contract's declarations run as: each worker takes only the contracts it has credentials for. */
export function declareTask(contractNo: string): string {
  return `${DECLARE_TASK}_${contractNo}`;
}

/** The request of a sale as the planner stores it (the neutral input; amounts as decimal strings). */
export type StoredRequest = DeclareSaleInput;

interface Row {
  key: string;
  contractNo: string;
  kind: 'invoice' | 'credit_note';
  erpId: string;
  erpRef: string;
  debtorErpId: string;
  invoiceNo: string;
  invoiceDate: string;
  endorsementNo: string;
  originKey: string | null;
  payloadHash: string;
  request: StoredRequest;
}

function hashOf(request: StoredRequest): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 32);
}

/**
 * Reads the ERP page by page and puts every declarable document into the shared ledger with a
 * queued job, in one transaction per batch, so that any number of workers can declare them. Memory
 * stays bounded by the batch size and the number of customers, whatever the backlog.
 *
 * Exactly once: an item's key (`sale:<contract>:<erpId>`) is the primary key and the job key, so
 * planning again (or two planners in turn) never queues a document twice; a document that shares
 * its number with another of the same customer is skipped, as Cesce tells sales apart by number.
 * Ordering: credit notes are queued after their invoice with a lower priority, and the worker
 * declares one only once its invoice is declared.
 */
export async function planBacklog(options: PlanOptions): Promise<PlanReport> {
  const started = Date.now();
  const { pool, source, client } = options;
  const contractNo = client.contract.value;
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const before = client.requestCounts;
  await migrate(pool);
  await migrateQueue(pool);

  const lock = await pool.connect();
  let locked = false;
  try {
    const { rows } = await lock.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext('cesce-connect:plan:' || $1)) AS ok", [contractNo]);
    locked = rows[0]?.ok === true;
    if (!locked) throw new PlanBusyError(contractNo);

    const erp = await source.connect();
    const report: PlanReport = {
      contractNo,
      erp: { system: erp.system, version: erp.version, company: erp.company.name, url: erp.url },
      read: { debtors: 0, documents: 0 },
      queued: { invoices: 0, creditNotes: 0 },
      alreadyPlanned: 0,
      foundAtCesce: 0,
      conflicts: [],
      requeued: 0,
      refreshed: 0,
      skipped: [],
      skippedCount: 0,
      lookups: 0,
      cesceLists: 0,
      requests: { cesce: 0, token: 0 },
      durationMs: 0,
    };
    const skip = (s: PlanSkip) => {
      report.skippedCount += 1;
      if (report.skipped.length < MAX_SKIPS_LISTED) report.skipped.push(s);
    };

    // Customers: O(customers), not O(documents).
    const debtors = new Map<string, Debtor>();
    for await (const d of source.debtors()) debtors.set(d.erpId, d);
    report.read.debtors = debtors.size;

    // One classification look-up per customer that has documents, on first sight.
    const classifications = new Map<string, Classification | null | { error: string }>();
    const lookUp = async (ids: string[]): Promise<void> => {
      const todo = [...new Set(ids)].filter((id) => !classifications.has(id)).map((id) => debtors.get(id)).filter((d): d is Debtor => !!d?.taxCode && !!d.countryCode);
      await forEachConcurrent(todo, concurrency, async (d) => {
        report.lookups += 1;
        try {
          classifications.set(d.erpId, pickClassification(await client.classifications.query({ taxCode: d.taxCode!, countryCode: d.countryCode! })));
        } catch (error) {
          if (isFatal(error) || !(error instanceof CesceApiError)) throw error;
          classifications.set(d.erpId, { error: error.message });
        }
      });
    };

    const invoiceRow = (doc: SaleDocument): Row | null => {
      const issue = blockingIssue(doc.issues) ?? documentProblem(doc);
      if (issue) return void skip({ kind: doc.kind, erpRef: doc.ref, reason: issue.message, field: issue.field }), null;
      const debtor = debtors.get(doc.debtorErpId);
      if (!debtor) return void skip({ kind: doc.kind, erpRef: doc.ref, reason: `its customer (id ${doc.debtorErpId}) was not found among the company's customers`, field: 'debtor' }), null;
      const debtorIssue = blockingIssue(debtor.issues);
      if (debtorIssue || !debtor.taxCode || !debtor.countryCode) {
        return void skip({ kind: doc.kind, erpRef: doc.ref, reason: `customer ${debtor.ref}: ${debtorIssue?.message ?? 'no usable tax id'}`, field: debtorIssue?.field ?? 'vat' }), null;
      }
      const c = classifications.get(debtor.erpId) ?? null;
      if (c && 'error' in c) return void skip({ kind: doc.kind, erpRef: doc.ref, reason: `classification look-up for ${debtor.ref} failed: ${c.error}` }), null;
      if (!c) {
        return void skip({ kind: doc.kind, erpRef: doc.ref, reason: `customer ${debtor.ref} has no Cesce classification (request one with cesce sync)` }), null;
      }
      if (!c.status.active || !c.endorsementNo) {
        return void skip({ kind: doc.kind, erpRef: doc.ref, reason: `customer ${debtor.ref} classification is ${c.status.label.en} (status ${c.status.code}): no cover to declare on` }), null;
      }
      if (!doc.dueDate) return void skip({ kind: doc.kind, erpRef: doc.ref, reason: 'has no due date', field: 'dueDate' }), null;
      if (doc.dueDate === doc.invoiceDate) {
        return void skip({ kind: doc.kind, erpRef: doc.ref, reason: 'cash sale (due on the invoice date): not a sale on credit', field: 'dueDate' }), null;
      }
      return rowOf(doc, contractNo, c.endorsementNo, null, invoiceInput({ ...doc, dueDate: doc.dueDate }, debtor, c.endorsementNo));
    };

    /** A credit note against its origin invoice's row (in the ledger or this batch). */
    const creditNoteRow = (doc: SaleDocument, origin: OriginRow, credited: string): Row | PlanSkip => {
      const originName = origin.invoiceNo;
      if (doc.invoiceDate < origin.invoiceDate) {
        return { kind: 'credit_note', erpRef: doc.ref, field: 'invoiceDate', reason: `is dated ${doc.invoiceDate}, before its invoice ${originName} (${origin.invoiceDate}): a credit note follows the sale it corrects; correct its date` };
      }
      if (origin.debtorErpId !== doc.debtorErpId) {
        return { kind: 'credit_note', erpRef: doc.ref, field: 'originErpId', reason: `its origin invoice ${originName} belongs to another customer (${debtors.get(origin.debtorErpId)?.ref ?? origin.debtorErpId})` };
      }
      if (origin.request.amount.currency !== doc.total.currency) {
        return { kind: 'credit_note', erpRef: doc.ref, field: 'currency', reason: `is in ${doc.total.currency} but its invoice ${originName} is in ${origin.request.amount.currency}` };
      }
      const total = addDecimal(credited, doc.total.amount);
      if (compareDecimal(total, origin.request.amount.amount) > 0) {
        return { kind: 'credit_note', erpRef: doc.ref, field: 'total', reason: `would credit ${total} ${doc.total.currency} in all, more than its invoice ${originName} (${origin.request.amount.amount})` };
      }
      return rowOf(doc, contractNo, origin.endorsementNo, origin.key, creditNoteInput(doc, debtors.get(doc.debtorErpId), origin));
    };

    // Credit notes whose invoice was not planned yet (an ERP that numbers them out of order): kept
    // until their invoice shows up in a later page; skipped at the end if it never does.
    let deferred: SaleDocument[] = [];

    const flush = async (docs: SaleDocument[], final: boolean): Promise<void> => {
      await lookUp(docs.filter((d) => d.kind === 'invoice').map((d) => d.debtorErpId));
      const invoices: Row[] = [];
      for (const doc of docs) {
        if (doc.kind !== 'invoice') continue;
        const row = invoiceRow(doc);
        if (row) invoices.push(row);
      }
      const notes = [...deferred, ...docs.filter((d) => d.kind === 'credit_note')];
      deferred = [];
      const invoicesAtCesce = await checkAtCesce(invoices);
      const noteRows = await inTransaction(pool, async (db) => {
        await insertRows(db, invoices, report, skip, invoicesAtCesce);
        const candidates: SaleDocument[] = [];
        for (const doc of notes) {
          const issue = blockingIssue(doc.issues) ?? documentProblem(doc);
          if (issue) skip({ kind: 'credit_note', erpRef: doc.ref, reason: issue.message, field: issue.field });
          else if (!doc.originErpId) skip({ kind: 'credit_note', erpRef: doc.ref, reason: 'credit note has no origin invoice', field: 'originErpId' });
          else candidates.push(doc);
        }
        const rows: Row[] = [];
        if (candidates.length === 0) return rows;
        const originKeys = [...new Set(candidates.map((d) => itemKey(contractNo, 'invoice', d.originErpId!)))];
        const origins = await originRows(db, originKeys);
        const credited = await creditedSoFar(db, originKeys);
        for (const doc of candidates) {
          const key = itemKey(contractNo, 'credit_note', doc.erpId);
          const originKey = itemKey(contractNo, 'invoice', doc.originErpId!);
          const origin = origins.get(originKey);
          if (!origin) {
            if (final) {
              const name = doc.originNumber && doc.originNumber !== '/' ? doc.originNumber : `id ${doc.originErpId}`;
              skip({ kind: 'credit_note', erpRef: doc.ref, field: 'originErpId', reason: `its origin ${name} is not a declarable invoice of this company (see that invoice's own line, if any)` });
            } else deferred.push(doc);
            continue;
          }
          const row = creditNoteRow(doc, origin, sumExcept(credited.get(originKey), key));
          if ('reason' in row) {
            skip(row);
            continue;
          }
          rows.push(row);
          const m = credited.get(originKey) ?? new Map<string, string>();
          m.set(key, doc.total.amount);
          credited.set(originKey, m);
        }
        return rows;
      });
      const notesAtCesce = await checkAtCesce(noteRows);
      await inTransaction(pool, (db) => insertRows(db, noteRows, report, skip, notesAtCesce));
    };

    // Documents new to the shared ledger are looked up at Cesce before they are queued: one that
    // Cesce already holds (declared by cesce sync, in the portal, by a lost ledger) is recorded,
    // never sent again. One sales list per suplemento and invoice month, kept for the next pages.
    const salesLists = new Map<string, Map<string, { ref: string; amount: string }>>();
    const salesAt = async (endorsementNo: string, invoiceMonth: string) => {
      const k = `${endorsementNo}|${invoiceMonth}`;
      let held = salesLists.get(k);
      if (!held) {
        held = new Map();
        for await (const sale of client.sales.list({ endorsementNo, invoiceMonth, pageSize: 500 })) {
          held.set(`${sale.invoiceNo}|${sale.amount.amount.startsWith('-') ? 'credit' : 'sale'}`, { ref: sale.saleCesceReferenceNo, amount: sale.amount.amount });
        }
        // Pages come roughly in date order: a few months of lists are enough to keep.
        if (salesLists.size >= SALES_LISTS_KEPT) salesLists.delete(salesLists.keys().next().value!);
        salesLists.set(k, held);
        report.cesceLists += 1;
      }
      return held;
    };
    const checkAtCesce = async (rows: Row[]): Promise<Map<string, AtCesce>> => {
      const out = new Map<string, AtCesce>();
      if (rows.length === 0) return out;
      const { rows: existing } = await pool.query<{ key: string }>(`SELECT key FROM ${SCHEMA}.items WHERE key = ANY($1::text[])`, [rows.map((r) => r.key)]);
      const known = new Set(existing.map((r) => r.key));
      for (const r of rows) {
        if (known.has(r.key)) continue;
        const held = (await salesAt(r.endorsementNo, toInvoiceMonth(r.invoiceDate))).get(`${r.invoiceNo}|${r.kind === 'credit_note' ? 'credit' : 'sale'}`);
        if (!held) continue;
        if (compareDecimal(held.amount, r.request.amount.amount) === 0) out.set(r.key, { state: 'declared', ref: held.ref, message: null });
        else {
          out.set(r.key, {
            state: 'rejected',
            ref: held.ref,
            message: `Cesce already holds sale ${held.ref} for ${r.invoiceNo} with amount ${held.amount}, but the ERP says ${r.request.amount.amount}: correct the ERP or have the sale corrected at Cesce; it is never sent blindly`,
          });
        }
      }
      return out;
    };

    let batch: SaleDocument[] = [];
    for await (const doc of source.documents({ fromDate: options.fromDate })) {
      batch.push(doc);
      report.read.documents += 1;
      if (batch.length >= batchSize) {
        await flush(batch, false);
        batch = [];
        options.onProgress?.(report.read.documents);
      }
    }
    await flush(batch, true);
    options.onProgress?.(report.read.documents);

    // Items earlier runs left behind: jobs that used up their attempts (failed, outcome looked up
    // first by the worker) and credit notes whose invoice had not been declared then.
    report.requeued = await requeue(pool, contractNo);

    const after = client.requestCounts;
    report.requests = { cesce: after.api - before.api, token: after.token - before.token };
    report.durationMs = Date.now() - started;
    return report;
  } finally {
    if (locked) await lock.query("SELECT pg_advisory_unlock(hashtext('cesce-connect:plan:' || $1))", [contractNo]).catch(() => {});
    lock.release();
  }
}

function rowOf(doc: SaleDocument, contractNo: string, endorsementNo: string, originKey: string | null, request: StoredRequest): Row {
  return {
    key: itemKey(contractNo, doc.kind, doc.erpId),
    contractNo,
    kind: doc.kind,
    erpId: doc.erpId,
    erpRef: doc.ref,
    debtorErpId: doc.debtorErpId,
    invoiceNo: doc.number,
    invoiceDate: doc.invoiceDate,
    endorsementNo,
    originKey,
    payloadHash: hashOf(request),
    request,
  };
}

/** Sum of the amounts credited against one invoice by credit notes other than `key`. */
function sumExcept(credits: Map<string, string> | undefined, key: string): string {
  let sum = '0';
  for (const [k, amount] of credits ?? []) if (k !== key) sum = addDecimal(sum, amount);
  return sum;
}

interface OriginRow {
  key: string;
  debtorErpId: string;
  invoiceNo: string;
  invoiceDate: string;
  endorsementNo: string;
  request: StoredRequest;
}

async function originRows(db: PoolClient, keys: string[]): Promise<Map<string, OriginRow>> {
  const { rows } = await db.query<{ key: string; debtor_erp_id: string; invoice_no: string; invoice_date: string; endorsement_no: string; request_json: string }>(
    `SELECT key, debtor_erp_id, invoice_no, invoice_date, endorsement_no, request_json FROM ${SCHEMA}.items WHERE key = ANY($1::text[]) AND state <> 'rejected'`,
    [keys],
  );
  return new Map(
    rows.map((r) => [
      r.key,
      { key: r.key, debtorErpId: r.debtor_erp_id, invoiceNo: r.invoice_no, invoiceDate: r.invoice_date, endorsementNo: r.endorsement_no, request: JSON.parse(r.request_json) as StoredRequest },
    ]),
  );
}

/** Per origin invoice: the credit notes already in the ledger and their (positive) amounts. */
async function creditedSoFar(db: PoolClient, originKeys: string[]): Promise<Map<string, Map<string, string>>> {
  const { rows } = await db.query<{ key: string; origin_key: string; request_json: string }>(
    `SELECT key, origin_key, request_json FROM ${SCHEMA}.items WHERE origin_key = ANY($1::text[]) AND state <> 'rejected'`,
    [originKeys],
  );
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const amount = (JSON.parse(r.request_json) as StoredRequest).amount.amount.replace(/^-/, '');
    const m = out.get(r.origin_key) ?? new Map<string, string>();
    m.set(r.key, amount);
    out.set(r.origin_key, m);
  }
  return out;
}

/**
 * Inserts new items and their jobs in the caller's transaction. Items already in the ledger are
 * counted as planned; a document whose number another document of the same customer already holds
 * is skipped (Cesce tells sales apart by number).
 */
async function insertRows(db: PoolClient, rows: Row[], report: PlanReport, skip: (s: PlanSkip) => void, atCesce: Map<string, AtCesce> = new Map()): Promise<void> {
  if (rows.length === 0) return;
  const cols = {
    key: rows.map((r) => r.key),
    contract: rows.map((r) => r.contractNo),
    kind: rows.map((r) => r.kind),
    erpId: rows.map((r) => r.erpId),
    erpRef: rows.map((r) => r.erpRef),
    debtor: rows.map((r) => r.debtorErpId),
    invoiceNo: rows.map((r) => r.invoiceNo),
    invoiceDate: rows.map((r) => r.invoiceDate),
    endorsement: rows.map((r) => r.endorsementNo),
    origin: rows.map((r) => r.originKey),
    hash: rows.map((r) => r.payloadHash),
    request: rows.map((r) => JSON.stringify(r.request)),
    // Documents Cesce already holds (declared by cesce sync, the portal, an earlier ledger) are
    // recorded as declared, or as a conflict when Cesce holds the number with another amount.
    state: rows.map((r) => atCesce.get(r.key)?.state ?? 'queued'),
    ref: rows.map((r) => atCesce.get(r.key)?.ref ?? null),
    message: rows.map((r) => atCesce.get(r.key)?.message ?? null),
  };
  const { rows: inserted } = await db.query<{ key: string; kind: string; contract_no: string; state: string; erp_ref: string; message: string | null }>(
    `INSERT INTO ${SCHEMA}.items (key, contract_no, kind, erp_id, erp_ref, debtor_erp_id, invoice_no, invoice_date, endorsement_no, origin_key, payload_hash, request_json,
                                  state, cesce_ref, message, http_status, kb_id, declared_at)
     SELECT k, c, t, e, r, d, n, dt, en, o, h, q, st, ref, msg,
            CASE WHEN st = 'rejected' THEN 0 END, CASE WHEN st = 'rejected' THEN $16 END, CASE WHEN st = 'declared' THEN now() END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                   $13::text[], $14::text[], $15::text[])
         AS u(k, c, t, e, r, d, n, dt, en, o, h, q, st, ref, msg)
     ON CONFLICT DO NOTHING
     RETURNING key, kind, contract_no, state, erp_ref, message`,
    [
      cols.key,
      cols.contract,
      cols.kind,
      cols.erpId,
      cols.erpRef,
      cols.debtor,
      cols.invoiceNo,
      cols.invoiceDate,
      cols.endorsement,
      cols.origin,
      cols.hash,
      cols.request,
      cols.state,
      cols.ref,
      cols.message,
      CONFLICT_KB_ID,
    ],
  );
  const added = new Set(inserted.map((r) => r.key));
  const rest = rows.filter((r) => !added.has(r.key));
  let refreshed: { key: string; kind: string; contract_no: string }[] = [];
  if (rest.length > 0) {
    // Not inserted: already planned (same key), or a number held by another document.
    // Planned but changed in the ERP since: an item not sent yet, or refused by Cesce (nothing
    // recorded there), takes the ERP's data now and is queued; the claim's row lock makes this
    // atomic with a worker taking it (then it is 'sending' and left alone). Not when the new
    // number is held by another document.
    ({ rows: refreshed } = await db.query<{ key: string; kind: string; contract_no: string }>(
      `UPDATE ${SCHEMA}.items i
          SET erp_ref = u.r, debtor_erp_id = u.d, invoice_no = u.n, invoice_date = u.dt,
              endorsement_no = u.en, origin_key = u.o, payload_hash = u.h, request_json = u.q,
              state = CASE WHEN i.state = 'rejected' THEN 'queued' ELSE i.state END,
              http_status = NULL, kb_id = NULL, message = NULL, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS u(k, r, d, n, dt, en, o, h, q)
        WHERE i.key = u.k AND i.payload_hash <> u.h
          AND (i.state IN ('queued', 'waiting') OR (i.state = 'rejected' AND i.kb_id IS DISTINCT FROM $10))
          AND NOT EXISTS (SELECT 1 FROM ${SCHEMA}.items x
                           WHERE x.contract_no = i.contract_no AND x.kind = i.kind AND x.debtor_erp_id = u.d AND x.invoice_no = u.n AND x.key <> i.key)
        RETURNING i.key, i.kind, i.contract_no`,
      [
        rest.map((r) => r.key),
        rest.map((r) => r.erpRef),
        rest.map((r) => r.debtorErpId),
        rest.map((r) => r.invoiceNo),
        rest.map((r) => r.invoiceDate),
        rest.map((r) => r.endorsementNo),
        rest.map((r) => r.originKey),
        rest.map((r) => r.payloadHash),
        rest.map((r) => JSON.stringify(r.request)),
        CONFLICT_KB_ID,
      ],
    ));
    report.refreshed += refreshed.length;
    const { rows: existing } = await db.query<{ key: string; state: string; payload_hash: string; cesce_ref: string | null }>(
      `SELECT key, state, payload_hash, cesce_ref FROM ${SCHEMA}.items WHERE key = ANY($1::text[])`,
      [rest.map((r) => r.key)],
    );
    const known = new Map(existing.map((r) => [r.key, r]));
    for (const r of rest) {
      const item = known.get(r.key);
      if (item && item.payload_hash !== r.payloadHash && !refreshed.some((x) => x.key === r.key)) {
        // Sent already (or in flight, or its number is taken): Cesce keeps what it was sent.
        skip({
          kind: r.kind,
          erpRef: r.erpRef,
          field: 'document',
          reason:
            item.state === 'declared'
              ? `changed in the ERP after it was declared to Cesce (sale ${item.cesce_ref ?? '?'}); Cesce keeps the declared data: correct the sale with Cesce`
              : `changed in the ERP after it was planned, while it is ${item.state} (sent, or its number is taken); it is declared as planned: check it with cesce worker status and correct the sale with Cesce if needed`,
        });
      } else if (item) report.alreadyPlanned += 1;
      else {
        skip({
          kind: r.kind,
          erpRef: r.erpRef,
          field: 'number',
          reason: `has the same number as another ${r.kind === 'invoice' ? 'invoice' : 'credit note'} of this customer already planned (${r.invoiceNo}); Cesce tells sales apart by number: renumber one of them`,
        });
      }
    }
  }
  for (const r of inserted) {
    if (r.state === 'declared') report.foundAtCesce += 1;
    else if (r.state === 'rejected') report.conflicts.push({ erpRef: r.erp_ref, message: r.message ?? '' });
    else if (r.kind === 'invoice') report.queued.invoices += 1;
    else report.queued.creditNotes += 1;
  }
  await addJobs(
    db,
    [...inserted.filter((r) => r.state === 'queued'), ...refreshed].map((r) => ({ key: r.key, contractNo: r.contract_no, creditNote: r.kind === 'credit_note' })),
  );
}

/**
 * Queues one declaration job per item, in the caller's transaction (graphile-worker's `add_jobs`):
 * the job key is the item key, so an item never has two waiting jobs. Credit notes get a lower
 * priority (a higher number), so that workers take the invoices first.
 */
export async function addJobs(db: PoolClient | Pool, items: { key: string; contractNo: string; creditNote: boolean }[]): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `SELECT count(*) FROM graphile_worker.add_jobs(
       ARRAY(SELECT ROW(t, json_build_object('key', k), NULL, NULL, $4::int, k, p, NULL)::graphile_worker.job_spec
               FROM unnest($1::text[], $2::text[], $3::int[]) AS u(k, t, p)))`,
    [items.map((i) => i.key), items.map((i) => declareTask(i.contractNo)), items.map((i) => (i.creditNote ? 1 : 0)), MAX_JOB_ATTEMPTS],
  );
}

/**
 * Queues again what earlier runs left: items `failed` whose job used up its attempts, and credit
 * notes `waiting` for an invoice that has been declared since. Returns how many.
 */
async function requeue(pool: Pool, contractNo: string): Promise<number> {
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query<{ key: string; kind: string }>(
      `SELECT i.key, i.kind FROM ${SCHEMA}.items i
        WHERE i.contract_no = $1
          AND (i.state IN ('failed', 'waiting') OR (i.state IN ('queued', 'sending') AND (i.lease_until IS NULL OR i.lease_until < now())))
          AND NOT EXISTS (SELECT 1 FROM graphile_worker.jobs j WHERE j.key = i.key AND j.attempts < j.max_attempts)`,
      [contractNo],
    );
    await addJobs(
      db,
      rows.map((r) => ({ key: r.key, contractNo, creditNote: r.kind === 'credit_note' })),
    );
    return rows.length;
  });
}


/** What Cesce already holds of a document new to the shared ledger. */
interface AtCesce {
  state: 'declared' | 'rejected';
  ref: string;
  message: string | null;
}

/** Sales lists (suplemento × invoice month) a plan keeps for the pages that follow. */
const SALES_LISTS_KEPT = 48;
