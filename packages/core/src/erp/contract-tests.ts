/**
 * The conformance suite every `ErpSource` should pass, as a reusable vitest `describe` block:
 *
 *   describeErpSourceContract('Acme ERP', async () => {
 *     const emulator = await startAcmeEmulator();
 *     return { source: createAcmeSource({ url: emulator.url, token: emulator.token }), dispose: () => emulator.close() };
 *   });
 *
 * It checks what `sync` relies on: the shapes of the neutral model (null for missing, never
 * `false`/`''`/`undefined`; plain `YYYY-MM-DD` dates; exact decimal money with an ISO currency;
 * positive totals with `kind` carrying the sign), re-readable streams, unique keys, resolvable
 * credit-note origins, issues naming record and field, and — when the source declares
 * `capabilities.incremental` — change-ordered reads and `documentsByIds`.
 *
 * Only reads are exercised (write-back changes the ERP): the factory should give a source over a
 * test system (an emulator on loopback, a sandbox database) holding a few debtors and documents,
 * at least one credit note, with distinct change stamps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isIsoDate } from '../dates.js';
import type { Money } from '../money.js';
import type { Debtor, ErpDescription, MappingIssue, SaleDocument } from './model.js';
import { compareWatermarks, type ChangeWatermark, type ErpSource } from './source.js';

export interface ErpSourceContractSubject {
  /** A fresh, not yet connected source over test data. */
  source: ErpSource;
  /** Stops what the factory started (an emulator...); called after `source.close()`. */
  dispose?: (() => Promise<void>) | undefined;
}

export type ErpSourceContractFactory = () => Promise<ErpSourceContractSubject> | ErpSourceContractSubject;


async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const CURRENCY_RE = /^[A-Z]{3}$/;
const COUNTRY_RE = /^[A-Z]{2}$/;
/** A canonical decimal string: digits, optionally a dot and digits; no sign, exponent or comma. */
const AMOUNT_RE = /^\d+(?:\.\d+)?$/;

/** A problem list: each entry names the record and what is wrong. Empty = conforming. */
type Problems = string[];

/** `null`, or a string with visible text (never `false`, `''`, `undefined`). */
function checkNullableText(problems: Problems, where: string, field: string, value: unknown): void {
  if (value === null) return;
  if (typeof value !== 'string' || value.trim() === '') problems.push(`${where}: ${field} must be null or a non-empty string, got ${JSON.stringify(value) ?? 'undefined'}`);
}

function checkKeys(problems: Problems, where: string, value: object, keys: readonly string[]): void {
  for (const key of keys) {
    if (!(key in value) || (value as Record<string, unknown>)[key] === undefined) problems.push(`${where}: field ${key} is missing or undefined (use null)`);
  }
}

function checkMoney(problems: Problems, where: string, field: string, value: Money | null, options: { positive: boolean }): void {
  if (value === null) return;
  if (typeof value !== 'object') {
    problems.push(`${where}: ${field} must be a Money object, got ${JSON.stringify(value)}`);
    return;
  }
  if (typeof value.currency !== 'string' || !CURRENCY_RE.test(value.currency)) problems.push(`${where}: ${field}.currency must be an ISO 4217 code, got ${JSON.stringify(value.currency)}`);
  if (typeof value.amount !== 'string' || !AMOUNT_RE.test(value.amount)) {
    problems.push(`${where}: ${field}.amount must be a non-negative decimal string like "1234.56", got ${JSON.stringify(value.amount)}`);
  } else if (options.positive && /^[0.]+$/.test(value.amount)) {
    problems.push(`${where}: ${field}.amount is zero without a blocking issue`);
  }
}

function checkIssues(problems: Problems, where: string, issues: unknown): void {
  if (!Array.isArray(issues)) {
    problems.push(`${where}: issues must be an array`);
    return;
  }
  for (const issue of issues as MappingIssue[]) {
    const text = JSON.stringify(issue);
    if (typeof issue?.record !== 'string' || issue.record.trim() === '') problems.push(`${where}: an issue does not name its record: ${text}`);
    if (typeof issue?.field !== 'string' || issue.field.trim() === '') problems.push(`${where}: an issue does not name its field: ${text}`);
    if (typeof issue?.message !== 'string' || issue.message.trim() === '') problems.push(`${where}: an issue has no message: ${text}`);
    if (issue?.severity !== 'blocking' && issue?.severity !== 'warning') problems.push(`${where}: an issue has severity ${JSON.stringify(issue?.severity)}`);
  }
}

const blocked = (record: { issues: MappingIssue[] }) => Array.isArray(record.issues) && record.issues.some((i) => i.severity === 'blocking');

export function checkDebtorShape(d: Debtor): Problems {
  const problems: Problems = [];
  const where = `debtor ${d.ref || d.erpId}`;
  checkKeys(problems, where, d, ['erpId', 'ref', 'name', 'taxCode', 'countryCode', 'customerReference', 'address', 'requestedCreditLimit', 'requestedPaymentTermDays', 'active', 'issues']);
  if (typeof d.erpId !== 'string' || d.erpId === '') problems.push(`${where}: erpId must be a non-empty string`);
  if (typeof d.ref !== 'string' || d.ref.trim() === '') problems.push(`${where}: ref must be a non-empty string`);
  if (typeof d.name !== 'string' || (d.name.trim() === '' && !blocked(d))) problems.push(`${where}: name must be a non-empty string (or empty with a blocking issue)`);
  checkNullableText(problems, where, 'taxCode', d.taxCode);
  if (typeof d.taxCode === 'string' && !/^[A-Z0-9]+$/.test(d.taxCode)) problems.push(`${where}: taxCode '${d.taxCode}' is not normalised (letters and digits, no country prefix)`);
  if (d.countryCode !== null && !COUNTRY_RE.test(String(d.countryCode))) problems.push(`${where}: countryCode must be null or ISO 3166 alpha-2, got ${JSON.stringify(d.countryCode)}`);
  checkNullableText(problems, where, 'customerReference', d.customerReference);
  if (typeof d.address !== 'object' || d.address === null) problems.push(`${where}: address must be an object`);
  else {
    checkKeys(problems, `${where} address`, d.address, ['street', 'city', 'postalCode', 'state', 'countryCode']);
    for (const field of ['street', 'city', 'postalCode', 'state', 'countryCode'] as const) checkNullableText(problems, where, `address.${field}`, d.address[field]);
    if (d.address.countryCode !== null && !COUNTRY_RE.test(String(d.address.countryCode))) problems.push(`${where}: address.countryCode must be null or ISO 3166 alpha-2`);
  }
  checkMoney(problems, where, 'requestedCreditLimit', d.requestedCreditLimit, { positive: false });
  const days = d.requestedPaymentTermDays;
  if (days !== null && (typeof days !== 'number' || !Number.isInteger(days) || days < 0)) problems.push(`${where}: requestedPaymentTermDays must be null or a whole number of days ≥ 0, got ${JSON.stringify(days)}`);
  if (typeof d.active !== 'boolean') problems.push(`${where}: active must be a boolean`);
  checkIssues(problems, where, d.issues);
  return problems;
}

/**
 * Shape of one document. `number`, `debtorErpId` and `invoiceDate` are required strings in the
 * model: empty only when a blocking issue explains why (the engine then never sends it).
 */
export function checkDocumentShape(doc: SaleDocument): Problems {
  const problems: Problems = [];
  const where = `document ${doc.ref || doc.erpId}`;
  const isBlocked = blocked(doc);
  checkKeys(problems, where, doc, ['kind', 'erpId', 'number', 'ref', 'debtorErpId', 'invoiceDate', 'dueDate', 'total', 'originErpId', 'originNumber', 'updatedAt', 'issues']);
  if (doc.kind !== 'invoice' && doc.kind !== 'credit_note') problems.push(`${where}: kind must be 'invoice' or 'credit_note', got ${JSON.stringify(doc.kind)}`);
  if (typeof doc.erpId !== 'string' || doc.erpId === '') problems.push(`${where}: erpId must be a non-empty string`);
  if (typeof doc.ref !== 'string' || doc.ref.trim() === '') problems.push(`${where}: ref must be a non-empty string`);
  for (const field of ['number', 'debtorErpId'] as const) {
    if (typeof doc[field] !== 'string' || (doc[field].trim() === '' && !isBlocked)) problems.push(`${where}: ${field} must be a non-empty string (or empty with a blocking issue)`);
  }
  if (!(isIsoDate(doc.invoiceDate) || (doc.invoiceDate === '' && isBlocked))) problems.push(`${where}: invoiceDate must be a YYYY-MM-DD date, got ${JSON.stringify(doc.invoiceDate)}`);
  if (doc.dueDate !== null && !isIsoDate(doc.dueDate)) problems.push(`${where}: dueDate must be null or a YYYY-MM-DD date, got ${JSON.stringify(doc.dueDate)}`);
  if (doc.total === null || typeof doc.total !== 'object') problems.push(`${where}: total must be a Money object`);
  else checkMoney(problems, where, 'total', doc.total, { positive: !isBlocked });
  checkNullableText(problems, where, 'originErpId', doc.originErpId);
  checkNullableText(problems, where, 'originNumber', doc.originNumber);
  if (doc.kind === 'invoice' && (doc.originErpId !== null || doc.originNumber !== null)) problems.push(`${where}: an invoice has no origin (originErpId/originNumber must be null)`);
  checkNullableText(problems, where, 'updatedAt', doc.updatedAt);
  checkIssues(problems, where, doc.issues);
  return problems;
}

/** Declares the conformance suite of one `ErpSource` under `describe(name)`. */
export function describeErpSourceContract(name: string, factory: ErpSourceContractFactory): void {
  describe(`ErpSource contract: ${name}`, () => {
    let subject: ErpSourceContractSubject;
    let source: ErpSource;
    let description: ErpDescription;
    let debtors: Debtor[];
    let documents: SaleDocument[];

    beforeAll(async () => {
      subject = await factory();
      source = subject.source;
      description = await source.connect();
      debtors = await collect(source.debtors());
      documents = await collect(source.documents());
    });
    afterAll(async () => {
      try {
        await source?.close();
      } finally {
        await subject?.dispose?.();
      }
    });

    it('connect() describes the system and the company', () => {
      expect(typeof description.system === 'string' && description.system.trim() !== '', 'system names the ERP').toBe(true);
      expect(typeof description.version, 'version is a string').toBe('string');
      expect(typeof description.url === 'string' && description.url.trim() !== '', 'url says what was connected to').toBe(true);
      const c = description.company;
      expect(typeof c.id === 'string' && c.id !== '', 'company.id is a non-empty string').toBe(true);
      expect(typeof c.name === 'string' && c.name.trim() !== '', 'company.name is a non-empty string').toBe(true);
      expect(c.taxCode === null || (typeof c.taxCode === 'string' && /^[A-Z0-9]+$/.test(c.taxCode)), 'company.taxCode is null or normalised').toBe(true);
      expect(c.currency, 'company.currency is an ISO 4217 code').toMatch(CURRENCY_RE);
    });

    it('the test data holds debtors, invoices and credit notes', () => {
      expect(debtors.length).toBeGreaterThan(0);
      expect(documents.some((d) => d.kind === 'invoice')).toBe(true);
      expect(documents.some((d) => d.kind === 'credit_note')).toBe(true);
    });

    it('debtors() and documents() are async iterables that can be read again with the same result', async () => {
      const d = source.debtors();
      const s = source.documents();
      expect(typeof d[Symbol.asyncIterator]).toBe('function');
      expect(typeof s[Symbol.asyncIterator]).toBe('function');
      expect(await collect(d)).toEqual(debtors);
      expect(await collect(s)).toEqual(documents);
    });

    it('erpIds are unique', () => {
      const dup = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);
      expect(dup(debtors.map((d) => d.erpId)), 'duplicate debtor erpIds').toEqual([]);
      expect(dup(documents.map((d) => d.erpId)), 'duplicate document erpIds').toEqual([]);
    });

    it('every Debtor has the shape of the neutral model', () => {
      expect(debtors.flatMap(checkDebtorShape)).toEqual([]);
    });

    it('every SaleDocument has the shape of the neutral model', () => {
      expect(documents.flatMap(checkDocumentShape)).toEqual([]);
    });

    it("every document's debtor is among debtors(), or the document has a blocking issue", () => {
      const known = new Set(debtors.map((d) => d.erpId));
      const orphans = documents.filter((d) => !known.has(d.debtorErpId) && !blocked(d)).map((d) => `${d.ref}: debtor ${JSON.stringify(d.debtorErpId)}`);
      expect(orphans).toEqual([]);
    });

    it("a credit note's origin is a document of the same source, or null with a blocking issue", () => {
      const known = new Set(documents.map((d) => d.erpId));
      const wrong = documents
        .filter((d) => d.kind === 'credit_note')
        .filter((d) => (d.originErpId === null ? !blocked(d) : !known.has(d.originErpId)))
        .map((d) => (d.originErpId === null ? `${d.ref}: no origin and no blocking issue` : `${d.ref}: origin ${d.originErpId} is not a document of this source`));
      expect(wrong).toEqual([]);
    });

    describe('incremental reads (when capabilities.incremental)', () => {
      const incremental = () => source.capabilities?.incremental === true;
      const stamped = () =>
        documents
          .filter((d): d is SaleDocument & { updatedAt: string } => d.updatedAt !== null)
          .map((d) => ({ doc: d, mark: { updatedAt: d.updatedAt, erpId: d.erpId } }))
          .sort((a, b) => compareWatermarks(a.mark, b.mark));

      it('declares a scope and documentsByIds, and stamps every document', (ctx) => {
        if (!incremental()) return ctx.skip();
        expect(typeof source.capabilities?.scope === 'string' && source.capabilities.scope !== '', 'capabilities.scope').toBe(true);
        expect(typeof source.documentsByIds, 'documentsByIds').toBe('function');
        expect(documents.filter((d) => d.updatedAt === null).map((d) => d.ref), 'documents without updatedAt').toEqual([]);
      });

      it('documents({ changedSince: last }) returns no document older than the watermark', async (ctx) => {
        if (!incremental()) return ctx.skip();
        const last = stamped().at(-1)!.mark;
        const older = (await collect(source.documents({ changedSince: last })))
          .filter((d) => d.updatedAt === null || compareWatermarks({ updatedAt: d.updatedAt, erpId: d.erpId }, last) < 0)
          .map((d) => `${d.ref} (${d.updatedAt})`);
        expect(older).toEqual([]);
      });

      it('documents({ changedSince: middle }) returns every later document and none older', async (ctx) => {
        if (!incremental()) return ctx.skip();
        const all = stamped();
        const middle = all[Math.floor(all.length / 2)]!.mark;
        const read = await collect(source.documents({ changedSince: middle }));
        const older = read.filter((d) => d.updatedAt === null || compareWatermarks({ updatedAt: d.updatedAt, erpId: d.erpId }, middle) < 0);
        expect(older.map((d) => `${d.ref} (${d.updatedAt})`), 'documents older than the watermark').toEqual([]);
        const got = new Set(read.map((d) => d.erpId));
        const later = all.filter((x) => compareWatermarks(x.mark, middle) > 0).map((x) => x.doc.erpId);
        expect(later.filter((id) => !got.has(id)), 'documents changed after the watermark that were not read').toEqual([]);
      });

      it('documentsByIds returns exactly the known documents asked for, as documents() reads them', async (ctx) => {
        if (!incremental()) return ctx.skip();
        const pick = [documents[0]!, documents[Math.floor(documents.length / 2)]!, documents.at(-1)!, ...documents.filter((d) => d.kind === 'credit_note').slice(0, 1)];
        const wanted = [...new Set(pick.map((d) => d.erpId))];
        const known = new Set(documents.map((d) => d.erpId));
        const unknown = ['999999999', 'contract-test-unknown'].filter((id) => !known.has(id));
        const got = await collect(source.documentsByIds!([...unknown, ...wanted, wanted[0]!]));
        expect(got.map((d) => d.erpId).sort()).toEqual([...wanted].sort());
        for (const d of got) expect(d).toEqual(documents.find((x) => x.erpId === d.erpId));
        expect(await collect(source.documentsByIds!([]))).toEqual([]);
      });
    });
  });
}
